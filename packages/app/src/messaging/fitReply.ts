// Fitting a reply to a channel: SMS by segments (GSM-7: 160 characters alone, 153 per part of a longer
// message; anything outside GSM-7 makes it UCS-2: 70 and 67), other channels by characters. A reply that
// does not fit is shortened at a sentence or word boundary, never mid-word, and says so with "...".

const GSM7 = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/;

export function smsCapacity(text: string, maxSegments: number): number {
  const gsm = GSM7.test(text);
  if (maxSegments <= 1) return gsm ? 160 : 70;
  return maxSegments * (gsm ? 153 : 67);
}

export function smsSegments(text: string): number {
  const gsm = GSM7.test(text);
  const [single, part] = gsm ? [160, 153] : [70, 67];
  return text.length <= single ? 1 : Math.ceil(text.length / part);
}

export function shorten(text: string, maxChars: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= maxChars) return clean;
  const room = maxChars - 3;
  const cut = clean.slice(0, room);
  const sentence = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('! '), cut.lastIndexOf('? '));
  if (sentence > room * 0.5) return clean.slice(0, sentence + 1);
  const word = cut.lastIndexOf(' ');
  return `${(word > room * 0.5 ? cut.slice(0, word) : cut).replace(/[,;:]$/, '')}...`;
}

/** The reply as an SMS of at most `maxSegments` segments. */
export function fitSms(text: string, maxSegments: number): string {
  return shorten(text, smsCapacity(text, maxSegments));
}
