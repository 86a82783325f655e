import nlp from 'compromise';
import { AMBIGUOUS_NAMES as AMBIGUOUS, escapeRegExp as escape } from '@switchboard/app/insights/nameReplacer';
// The first names and surnames @dawn-analytics/redact-pii 0.1.2 matches (MIT, (c) 2016 Solvvy), copied because
// the package's public entry point does not export them.
import wellKnownNamesList from './wellKnownNames.json';

// Name detection is partial with any single detector (docs/local-ai.md pitfall 3), so three are combined:
// compromise's people(), cue phrases ("my name is", "this is", "X speaking", "Mr."), and participants'
// display names. Every detected name is then replaced everywhere in the conversation.

const wellKnownNames = new Set(wellKnownNamesList.map((n) => n.toLowerCase()));

/** Words a cue phrase is often followed by that are never names. */
const NOT_NAMES = new Set([
  'a',
  'an',
  'the',
  'about',
  'calling',
  'call',
  'not',
  'just',
  'so',
  'very',
  'really',
  'still',
  'on',
  'in',
  'at',
  'to',
  'for',
  'with',
  'from',
  'your',
  'my',
  'our',
  'their',
  'his',
  'her',
  'it',
  'that',
  'this',
  'what',
  'why',
  'how',
  'and',
  'but',
  'or',
  'is',
  'was',
  'be',
  'going',
  'trying',
  'looking',
  'having',
  'getting',
  'sorry',
  'afraid',
  'glad',
  'happy',
  'sure',
  'here',
  'there',
  'fine',
  'good',
  'great',
  'ok',
  'okay',
  'all',
  'also',
  'now',
  'again',
  'speaking',
  'customer',
  'agent',
  'support',
  'billing',
  'service',
  'team',
  'contoso',
  'fabrikam',
  'yes',
  'no',
  'hi',
  'hello',
  'thanks',
  'thank',
  'regarding',
  'correct',
  'right',
  'done',
  'back',
  'new',
  'frustrated',
  'upset',
  'confused',
  'worried',
  'disappointed',
  'name',
  'number',
  'mr',
  'mrs',
  'ms',
  'miss',
  'dr',
  'doctor',
  'sir',
  'madam',
  'ma',
  'am',
  'i',
  'we',
  'you',
  'he',
  'she',
  'they',
  'one',
  'email',
  'mail',
  'phone',
  'text',
  'because',
  'if',
  'when',
  'then',
  'well',
  'only',
  'actually',
  'definitely',
  'absolutely',
  'unable',
]);

const HONORIFIC = /^(?:mr|mrs|ms|miss|dr|sir|madam|prof)\.?$/i;
const WORD = String.raw`(\p{L}[\p{L}'-]*)`;
const STRONG_CUES = new RegExp(
  String.raw`\b(?:my name is|my name's|name is|name's|name was|it's spelled|mr\.?|mrs\.?|ms\.?|miss|dr\.?|me llamo|mi nombre es|se(?:ñ|n)or(?:a|ita)?|je m'appelle|ich heiße|ich heisse)\s+${WORD}(?:\s+${WORD})?`,
  'giu',
);
const WEAK_CUES = new RegExp(
  String.raw`\b(?:this is|it's|i'm|i am|speaking (?:with|to)|talking (?:with|to)|spoke (?:with|to)|ask for|asked for|thanks|thank you|hi|hello|hey|dear|bye|le atiende|habla)\s*,?\s+${WORD}(?:\s+${WORD})?`,
  'giu',
);
const RELATION_CUES = new RegExp(
  String.raw`\b(?:wife|husband|partner|son|daughter|mother|father|mom|dad|brother|sister|colleague|manager|supervisor|friend|neighbou?r|technician|rep|representative)\s*,?\s+${WORD}(?:\s+${WORD})?`,
  'giu',
);
/** Two capitalised words mid-sentence ("... with Priya Raman") where one is a known first or last name. */
const CAPITALISED_PAIR = /(?<![.!?]\s|^|\n)(?<!\p{L})(\p{Lu}[\p{Ll}'-]+)\s+(\p{Lu}[\p{Ll}'-]+)(?!\p{L})/gu;
const TRAILING_CUES = new RegExp(String.raw`\b${WORD}(?:\s+${WORD})?\s+(?:speaking|here)\b`, 'gu');

function isCapitalised(word: string): boolean {
  return /^\p{Lu}[\p{Ll}'-]+$/u.test(word);
}

function candidate(word: string | undefined, strong: boolean): string | undefined {
  if (!word) return undefined;
  const w = word.replace(/'s$/i, '');
  const lower = w.toLowerCase();
  if (w.length < 2 || NOT_NAMES.has(lower) || HONORIFIC.test(w)) return undefined;
  if (strong) return isPlainWord(lower) && !isCapitalised(w) && !wellKnownNames.has(lower) ? undefined : w;
  // A weak cue ("this is X") needs evidence that X is a name: a name list, or a capital mid-sentence.
  return wellKnownNames.has(lower) || (isCapitalised(w) && !isPlainWord(lower)) ? w : undefined;
}

// compromise knows everyday words; a lower-case word it tags as a verb, adjective, adverb or
// determiner is not a name ("my name is spelled ..." / "this is great").
const plainWordCache = new Map<string, boolean>();
function isPlainWord(lower: string): boolean {
  let plain = plainWordCache.get(lower);
  if (plain === undefined) {
    const term = nlp(lower);
    plain =
      term.has('(#Verb|#Adjective|#Adverb|#Determiner|#Preposition|#Pronoun|#Conjunction|#Value)') &&
      !term.has('#Person');
    if (plainWordCache.size < 10_000) plainWordCache.set(lower, plain);
  }
  return plain;
}

/**
 * Detects personal names in a conversation's texts (already pattern-redacted) and known display names.
 * Returns the distinct name tokens ("John", "Smith"), as written.
 */
export function detectNames(texts: readonly string[], displayNames: readonly string[] = []): string[] {
  const found = new Map<string, string>();
  const add = (word: string | undefined) => {
    if (word && !found.has(word.toLowerCase())) found.set(word.toLowerCase(), word);
  };
  for (const name of displayNames) {
    for (const part of name.split(/[\s,]+/)) {
      if (
        part.length >= 2 &&
        !HONORIFIC.test(part) &&
        !/\b(?:bot|assistant|agent)\b/i.test(part) &&
        /^[\p{L}'-]+$/u.test(part)
      )
        add(part);
    }
  }
  const joined = texts.join('\n');
  for (const person of nlp(sentencesWorthTagging(texts)).people().json() as Array<{ terms: Array<{ text: string }> }>) {
    const terms = person.terms
      .filter((t) => !t.text.includes('[')) // a placeholder such as [EMAIL] is not a name
      .map((t) => t.text.replace(/[^\p{L}'-]/gu, ''))
      .filter((t) => t.length >= 2 && !HONORIFIC.test(t));
    // compromise is English-only and over-eager on other languages: a lower-case pick needs a known name in it.
    const plausible = terms.some((t) => /^\p{Lu}/u.test(t) || wellKnownNames.has(t.toLowerCase()));
    if (plausible) for (const t of terms) if (!NOT_NAMES.has(t.toLowerCase())) add(t);
  }
  for (const [regex, strong] of [
    [STRONG_CUES, true],
    [WEAK_CUES, false],
    [RELATION_CUES, false],
  ] as const) {
    for (const match of joined.matchAll(regex)) {
      const first = candidate(match[1], strong);
      add(first);
      // A second word joins only a detected first name, and must itself look like a name.
      if (first) add(candidate(match[2], strong));
    }
  }
  for (const match of joined.matchAll(CAPITALISED_PAIR)) {
    const [first, second] = [match[1], match[2]].map((w) => w.toLowerCase());
    if (
      (wellKnownNames.has(first) || wellKnownNames.has(second)) &&
      !NOT_NAMES.has(first) &&
      !NOT_NAMES.has(second) &&
      !isPlainWord(first) &&
      !isPlainWord(second)
    ) {
      add(match[1]);
      add(match[2]);
    }
  }
  for (const match of joined.matchAll(TRAILING_CUES)) {
    const second = match[2] ? candidate(match[2], false) : undefined;
    const first = candidate(match[1], false);
    if (second) {
      add(second);
      if (first && isCapitalised(match[1])) add(first);
    } else if (!match[2]) add(first);
  }
  // The answer to "can I have your name?" starts with the name ("Hiroshi Tanaka, and the number is ...").
  texts.forEach((text, i) => {
    if (i + 1 < texts.length && ASKS_FOR_NAME.test(text)) {
      const answer =
        /^\s*(?:(?:it's|its|yes|sure|yeah|ok|okay|it is|me|it's me|that's me|that would be)[\s,]+)?([\p{L}'-]+)(?:\s+([\p{L}'-]+))?(?:\s+([\p{L}'-]+))?\s*(?:[,.!]|$)/u.exec(
          texts[i + 1],
        );
      if (answer) {
        const words = answer.slice(1).filter((w): w is string => !!w);
        // The whole reply is one to three words that are not everyday English: in answer to "who is the
        // member?" that is a name, even an unfamiliar one in lower case ("me, olumide adeyemi.").
        if (words.every((w) => !NOT_NAMES.has(w.toLowerCase()) && !isPlainWord(w.toLowerCase()))) words.forEach(add);
      }
    }
  });
  // A capitalised word right beside a detected name is part of it ("Hiroshi" in "Hiroshi Tanaka").
  if (found.size > 0) {
    const known = [...found.values()].map(escape).join('|');
    const beside = new RegExp(
      String.raw`\b([A-Z][\p{Ll}'-]+)\s+(?:${known})\b|\b(?:${known})\s+([A-Z][\p{Ll}'-]+)\b`,
      'gu',
    );
    for (const match of joined.matchAll(beside)) {
      const word = match[1] ?? match[2];
      if (!NOT_NAMES.has(word.toLowerCase()) && !HONORIFIC.test(word) && !isPlainWord(word.toLowerCase())) add(word);
    }
  }
  return [...found.values()].filter((name) => !PLACEHOLDER_WORDS.has(name.toUpperCase()));
}

/**
 * compromise's tagger is the slow part (tens of ms per call): only sentences that could hold a name go
 * through it, i.e. with a capitalised word after the first, or a lower-case word that is a known name.
 */
function sentencesWorthTagging(texts: readonly string[]): string {
  const kept: string[] = [];
  for (const text of texts) {
    for (const sentence of text.split(/(?<=[.!?])\s+/)) {
      const words = sentence.split(/[\s,;:]+/).filter(Boolean);
      const worth = words.some(
        (w, i) =>
          (i > 0 && /^\p{Lu}\p{Ll}/u.test(w)) || (/^\p{Ll}+$/u.test(w) && wellKnownNames.has(w) && !AMBIGUOUS.has(w)),
      );
      if (worth) kept.push(sentence);
    }
  }
  return kept.join('\n');
}

const PLACEHOLDER_WORDS = new Set(['NAME', 'PHONE', 'EMAIL', 'CARD', 'ADDRESS', 'NUMBER', 'SSN', 'CREDENTIAL']);

const ASKS_FOR_NAME =
  /\b(?:your|the account holder's|the)\s+(?:full\s+)?name\b|\bname on the (?:account|reservation|card|booking|policy)\b|\bwho am i speaking (?:with|to)\b|\bwho(?:'s| is) (?:the )?(?:member|account holder|policy holder|caller|patient|customer)\b|\bwho do i have on the line\b/i;
