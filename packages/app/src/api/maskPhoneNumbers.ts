// Reads of calls, campaigns and summaries never return a whole phone number: any run of 7 or more digits
// (with an optional +, spaces, dots or dashes between) keeps only its last two digits. ISO dates and
// times are not phone numbers and stay as they are.
const PHONE_LIKE = /\+?\d(?:[\s.-]?\d){6,}/g;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

export function maskPhoneNumbers(text: string): string {
  return text.replace(PHONE_LIKE, (match) => {
    if (ISO_DATE.test(match)) return match;
    const digits = match.replace(/\D/g, '');
    return `${match.startsWith('+') ? '+' : ''}${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`;
  });
}

/** maskPhoneNumbers over every string in a JSON-shaped value. */
export function maskPhoneNumbersDeep<T>(value: T): T {
  if (value === undefined) return value;
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? maskPhoneNumbers(v) : v)),
  ) as T;
}
