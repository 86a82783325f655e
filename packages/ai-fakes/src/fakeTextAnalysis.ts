// The fake's "models": small deterministic rules, just enough for answers of the right shape whose
// content tests can predict. They say nothing about the quality of the real service.

const POSITIVE = /\b(thank|thanks|great|perfect|relief|appreciate|wonderful|happy|glad|awesome|excellent|love)\w*/gi;
const NEGATIVE =
  /\b(upset|frustrat|ridiculous|annoy|disappoint|wrong|problem|angry|terrible|worst|unacceptable|crazy|locked out|lost)\w*/gi;

export function sentimentOf(text: string): {
  sentiment: 'positive' | 'neutral' | 'negative';
  confidenceScores: { positive: number; neutral: number; negative: number };
} {
  const p = text.match(POSITIVE)?.length ?? 0;
  const n = text.match(NEGATIVE)?.length ?? 0;
  if (p > n) return { sentiment: 'positive', confidenceScores: { positive: 0.9, neutral: 0.08, negative: 0.02 } };
  if (n > p) return { sentiment: 'negative', confidenceScores: { positive: 0.02, neutral: 0.08, negative: 0.9 } };
  return { sentiment: 'neutral', confidenceScores: { positive: 0.1, neutral: 0.8, negative: 0.1 } };
}

export function sentencesOf(text: string): Array<{ text: string; offset: number; length: number }> {
  const out: Array<{ text: string; offset: number; length: number }> = [];
  for (const m of text.matchAll(/[^.!?]+[.!?]*/g)) {
    const trimmed = m[0].trim();
    if (trimmed) out.push({ text: trimmed, offset: (m.index ?? 0) + m[0].indexOf(trimmed), length: trimmed.length });
  }
  return out;
}

export function keyPhrasesOf(text: string): string[] {
  const words = text.toLowerCase().match(/\b[a-z]{7,}\b/g) ?? [];
  return [...new Set(words)].slice(0, 5);
}

export function languageOf(text: string): { name: string; iso6391Name: string; confidenceScore: number } {
  const spanish = (text.toLowerCase().match(/\b(el|la|que|gracias|hola|por|tengo|mi|es|una?)\b/g) ?? []).length;
  return spanish >= 3
    ? { name: 'Spanish', iso6391Name: 'es', confidenceScore: 0.95 }
    : { name: 'English', iso6391Name: 'en', confidenceScore: 0.99 };
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1 && (d *= 2) > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}

export interface PiiEntity {
  text: string;
  category: string;
  offset: number;
  length: number;
  confidenceScore: number;
}

/** Emails, long digit runs (card if Luhn-valid, else phone) and the people the fake was told about. */
export function piiOf(text: string, people: readonly string[]): { redactedText: string; entities: PiiEntity[] } {
  const entities: PiiEntity[] = [];
  const add = (regex: RegExp, category: (match: string) => string) => {
    for (const m of text.matchAll(regex)) {
      const offset = m.index ?? 0;
      if (entities.some((e) => offset < e.offset + e.length && e.offset < offset + m[0].length)) continue;
      entities.push({ text: m[0], category: category(m[0]), offset, length: m[0].length, confidenceScore: 0.9 });
    }
  };
  add(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, () => 'Email');
  add(/\+?\d[\d -]{6,}\d/g, (m) =>
    luhn(m.replace(/\D/g, '')) && m.replace(/\D/g, '').length >= 13 ? 'CreditCardNumber' : 'PhoneNumber',
  );
  for (const person of people)
    add(new RegExp(`\\b${person.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'g'), () => 'Person');
  entities.sort((a, b) => a.offset - b.offset);
  let redactedText = text;
  for (const e of [...entities].reverse())
    redactedText = redactedText.slice(0, e.offset) + '*'.repeat(e.length) + redactedText.slice(e.offset + e.length);
  return { redactedText, entities };
}
