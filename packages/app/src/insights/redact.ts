import { SyncRedactor, type ISyncRedactor } from '@dawn-analytics/redact-pii';
import type { Conversation } from '@switchboard/core/conversation';
import { nameReplacer } from './nameReplacer';
import { normaliseSpokenPii } from './normaliseSpokenPii';
import { redactStreetAddresses } from './redactStreetAddresses';

// PII redaction runs FIRST, before any analysis, so no provider (local or remote) ever sees the values.
// Patterns come from @dawn-analytics/redact-pii (email, phone, street address, SSN, credentials); this
// module adds what it lacks: spoken forms, card numbers checked with Luhn, international phone numbers,
// account numbers, and names replaced everywhere in the conversation once detected.

export const piiCategories = [
  'phone',
  'email',
  'card',
  'name',
  'address',
  'accountNumber',
  'ssn',
  'credential',
  'dateOfBirth',
] as const;
export type PiiCategory = (typeof piiCategories)[number];
export type RedactionCounts = Record<PiiCategory, number>;

export const PLACEHOLDERS: Record<PiiCategory, string> = {
  phone: '[PHONE]',
  email: '[EMAIL]',
  card: '[CARD]',
  name: '[NAME]',
  address: '[ADDRESS]',
  accountNumber: '[NUMBER]',
  ssn: '[SSN]',
  credential: '[CREDENTIAL]',
  dateOfBirth: '[DOB]',
};

export interface RedactionResult {
  conversation: Conversation;
  /** How many values of each category were replaced (never the values). */
  counts: RedactionCounts;
  /** Redacts any other text (a provider's output) with the same patterns and this conversation's names. */
  scrub: (text: string) => string;
}

export function emptyCounts(): RedactionCounts {
  return Object.fromEntries(piiCategories.map((c) => [c, 0])) as RedactionCounts;
}

export function addCounts(a: RedactionCounts, b: Partial<RedactionCounts>): RedactionCounts {
  const sum = { ...a };
  for (const c of piiCategories) sum[c] += b[c] ?? 0;
  return sum;
}

/** Luhn checksum: tells a card number from any other long digit run. */
export function isLuhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

const fn = (redact: (text: string) => string): ISyncRedactor => ({ redact });

const cardNumbers = fn((text) =>
  text.replace(/(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d])/g, (match) => {
    const digits = match.replace(/\D/g, '');
    if (isLuhnValid(digits)) return PLACEHOLDERS.card;
    // 13-19 digits that fail Luhn: still a number nobody should read in a summary.
    return PLACEHOLDERS.accountNumber;
  }),
);

// A card's security code and expiry only mean something next to their cue words.
const cardSecrets = fn((text) =>
  text.replace(
    /\b((?:security |three digit |3 digit |verification )?code|cvv2?|cvc|expir(?:y|es|ation)(?: date)?)((?:\s+(?:is|was|of|number|date))*[\s:,]*)(\d{3,4}|\d{1,2}\s*\/\s*\d{2,4})\b/gi,
    (_m, cue: string, gap: string) => `${cue}${gap}${PLACEHOLDERS.card}`,
  ),
);

const internationalPhone = fn((text) =>
  text.replace(/(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}(?!\d)/g, (match) => {
    const digits = match.replace(/\D/g, '').length;
    return digits >= 8 && digits <= 15 ? PLACEHOLDERS.phone : match;
  }),
);

const socialSecurityInContext = fn((text) =>
  text.replace(
    /\b(social(?: security)?(?: number)?|ssn)((?:\s+(?:is|was|number))*[\s:,]*)\d{9}\b/gi,
    (_m, cue: string, gap: string) => `${cue}${gap}${PLACEHOLDERS.ssn}`,
  ),
);

// UK postcodes (street addresses themselves are redacted first, in their spoken and written forms).
const postcodes = fn((text) => text.replace(/\b[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}\b/g, PLACEHOLDERS.address));

// The library's email pattern on its own, run before everything else so phone patterns cannot split an
// address (its public API offers the patterns only as built-in redactors, so all others are off here).
const emailAddresses = new SyncRedactor({
  builtInRedactors: {
    emailAddress: { replaceWith: PLACEHOLDERS.email },
    ...Object.fromEntries(
      [
        'creditCardNumber',
        'streetAddress',
        'zipcode',
        'phoneNumber',
        'ipAddress',
        'usSocialSecurityNumber',
        'username',
        'password',
        'credentials',
        'digits',
        'url',
        'names',
      ].map((name) => [name, { enabled: false }]),
    ),
  },
});

const afterPatterns: ISyncRedactor[] = [
  postcodes,
  // Local seven-digit phone numbers (555-0199) that the library's pattern (area code required) misses.
  fn((text) => text.replace(/\b\d{3}[-.]\d{4}\b/g, PLACEHOLDERS.phone)),
  // Zip / postal codes are only personal next to an address or their cue word.
  fn((text) =>
    text
      .replace(/(\[ADDRESS\][^.?!\d]{0,40}?)\b\d{5}(?:-\d{4})?\b/g, `$1${PLACEHOLDERS.address}`)
      .replace(
        /\b(zip(?: code)?|post ?code|postal code)((?:\s+(?:is|was))*[\s:,]*)\d{5}(?:-\d{4})?\b/gi,
        `$1$2${PLACEHOLDERS.address}`,
      ),
  ),
  // Account, policy, order and member numbers: any remaining run of 6+ digits, or letters+digits ids.
  fn((text) =>
    text
      .replace(/(?<![\w-])\d(?:[ -]?\d){5,}(?![\w])/g, PLACEHOLDERS.accountNumber)
      .replace(/\b[A-Z]{1,4}-?\d{5,}\b/gi, PLACEHOLDERS.accountNumber),
  ),
];

const patternRedactor = new SyncRedactor({
  builtInRedactors: {
    creditCardNumber: { enabled: false }, // replaced by the Luhn-checked redactor above
    streetAddress: { replaceWith: PLACEHOLDERS.address },
    zipcode: { enabled: false }, // any five-digit amount would match; handled in context instead
    phoneNumber: { replaceWith: PLACEHOLDERS.phone },
    ipAddress: { enabled: false },
    usSocialSecurityNumber: { replaceWith: PLACEHOLDERS.ssn },
    emailAddress: { enabled: false }, // runs first, below, so phone patterns cannot split an address
    username: { replaceWith: PLACEHOLDERS.credential },
    password: { replaceWith: PLACEHOLDERS.credential },
    credentials: { replaceWith: PLACEHOLDERS.credential },
    digits: { enabled: false }, // would eat years and amounts; account numbers handled after
    url: { enabled: false },
    names: { enabled: false }, // greeting-only heuristic; names come from the provider's detector (NameDetector)
  },
  customRedactors: {
    before: [emailAddresses, cardSecrets, socialSecurityInContext, cardNumbers, internationalPhone],
    after: afterPatterns,
  },
});

// Dates are personal only as dates of birth: redacted in a turn that mentions birth, or that answers one.
const BIRTH_CUE = /\b(?:date of birth|birth ?date|birthday|born|d\.?o\.?b\.?)\b/i;
const MONTH = String.raw`(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`;
const ORDINAL_WORDS =
  'first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth';
const DAY = String.raw`(?:\d{1,2}(?:st|nd|rd|th)?|(?:twenty|thirty)[\s-](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|${ORDINAL_WORDS})`;
const YEAR = String.raw`(?:19|20)\d{2}`;
const DATE = new RegExp(
  String.raw`\b(?:(?:the\s+)?${DAY}\s+(?:of\s+)?${MONTH}(?:,?\s+${YEAR})?|${MONTH}\s+(?:the\s+)?${DAY}(?:,?\s+${YEAR})?|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{2}|${YEAR})|(?:in\s+)?${YEAR})\b`,
  'gi',
);

/** Replaces dates in a turn about a date of birth (call only in that context). */
export function redactDatesOfBirth(text: string): string {
  return text.replace(DATE, (match) =>
    /^in\s/i.test(match) ? `in ${PLACEHOLDERS.dateOfBirth}` : PLACEHOLDERS.dateOfBirth,
  );
}

/** Redacts pattern PII (numbers, emails, addresses) from one text, spoken forms included. */
export function redactPatterns(text: string): string {
  return patternRedactor.redact(normaliseSpokenPii(redactStreetAddresses(text, PLACEHOLDERS.address)));
}

/** Counts the placeholders of each category in a text. */
export function countPlaceholders(text: string): RedactionCounts {
  const counts = emptyCounts();
  for (const c of piiCategories) {
    const p = PLACEHOLDERS[c];
    for (let i = text.indexOf(p); i !== -1; i = text.indexOf(p, i + p.length)) counts[c] += 1;
  }
  return counts;
}

function subtractCounts(after: RedactionCounts, before: RedactionCounts): RedactionCounts {
  const diff = emptyCounts();
  for (const c of piiCategories) diff[c] = Math.max(0, after[c] - before[c]);
  return diff;
}

/** Finds the names in a conversation's texts, given its participants' display names (always names). */
export type NameDetector = (texts: readonly string[], displayNames: readonly string[]) => string[];

/** Without a detector, only display names are known names (Azure AI Language PII finds the rest in Azure). */
const displayNamesOnly: NameDetector = (_texts, displayNames) => [...displayNames];

/**
 * Redacts a whole conversation: patterns per turn, then names detected anywhere in it (turns and
 * participants' display names) replaced in every turn. Returns the redacted copy and counts per category.
 */
export function redactConversation(
  conversation: Conversation,
  detectNames: NameDetector = displayNamesOnly,
): RedactionResult {
  const before = conversation.turns.reduce((acc, t) => addCounts(acc, countPlaceholders(t.text)), emptyCounts());
  const patterned = conversation.turns.map((t, i) => {
    const text = redactPatterns(t.text);
    const aboutBirth = BIRTH_CUE.test(t.text) || (i > 0 && BIRTH_CUE.test(conversation.turns[i - 1].text));
    return aboutBirth ? redactDatesOfBirth(text) : text;
  });
  const names = detectNames(
    patterned,
    conversation.participants.map((p) => p.displayName).filter((n): n is string => !!n),
  );
  const replaceNames = nameReplacer(names);
  const texts = patterned.map(replaceNames);
  const after = texts.reduce((acc, t) => addCounts(acc, countPlaceholders(t)), emptyCounts());
  return {
    conversation: {
      ...conversation,
      participants: conversation.participants.map((p) =>
        p.displayName === undefined ? p : { ...p, displayName: PLACEHOLDERS.name },
      ),
      turns: conversation.turns.map((t, i) => ({ ...t, text: texts[i] })),
    },
    counts: subtractCounts(after, before),
    scrub: (text) => replaceNames(redactPatterns(text)),
  };
}

/** Redacts a free text (a summary line) with the same patterns and an already detected set of names. */
export function redactText(text: string, names: readonly string[] = []): string {
  return nameReplacer(names)(redactPatterns(text));
}
