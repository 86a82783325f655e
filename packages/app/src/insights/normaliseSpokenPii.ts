// Speech-to-text writes numbers and emails as words ("four one five five five five ...", "john at
// example dot com"), which pattern detectors cannot see. This rewrites those spoken forms into written
// ones before detection. Hand-written on purpose: compromise's number parser reads "four one five" as
// separate numbers (or a sum) and knows neither "oh" for zero nor "double five"; this is a digit-by-digit
// reading, which is how people say phone, card and account numbers.

const DIGITS: Record<string, string> = {
  zero: '0',
  oh: '0',
  o: '0',
  nought: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
};
const TEENS: Record<string, string> = {
  ten: '10',
  eleven: '11',
  twelve: '12',
  thirteen: '13',
  fourteen: '14',
  fifteen: '15',
  sixteen: '16',
  seventeen: '17',
  eighteen: '18',
  nineteen: '19',
};
const TENS: Record<string, string> = {
  twenty: '2',
  thirty: '3',
  forty: '4',
  fifty: '5',
  sixty: '6',
  seventy: '7',
  eighty: '8',
  ninety: '9',
};
/**
 * What a recogniser writes for a digit it heard as another word ("four to five" for 4 2 5). Read as the digit only
 * inside a run, before another digit, and only in a run as long as a phone or account number, so "talk to five
 * people", "for three days" and "one to two weeks" stay words.
 */
const HOMOPHONES: Record<string, string> = { to: '2', too: '2', for: '4', won: '1', ate: '8' };
const MIN_DIGITS_WITH_HOMOPHONES = 6;
const REPEAT: Record<string, number> = { double: 2, triple: 3 };
/** Words that may sit between the digits of one spoken number without ending it. */
const JOINERS = new Set(['dash', 'hyphen']);
/** A spelled run this long (in digits) is read as a number; shorter runs ("one or two") stay words. */
const MIN_SPOKEN_DIGITS = 3;

const TOKEN = /[A-Za-z]+|\d+|[^\sA-Za-z\d]+|\s+/g;

/** Rewrites spoken digit sequences and spoken email addresses into their written forms. */
export function normaliseSpokenPii(text: string): string {
  return normaliseSpokenEmails(normaliseSpokenDigits(text));
}

export function normaliseSpokenDigits(text: string): string {
  if (!/[a-z]/i.test(text)) return text;
  const tokens = text.match(TOKEN) ?? [];
  const out: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    let run = readRun(tokens, i, true);
    if (run?.homophones && run.digits.length < MIN_DIGITS_WITH_HOMOPHONES) run = readRun(tokens, i, false);
    if (run && run.digits.length >= MIN_SPOKEN_DIGITS && run.spelled) {
      out.push(run.digits);
      i = run.end;
    } else {
      out.push(tokens[i]);
      i += 1;
    }
  }
  return out.join('');
}

interface Run {
  digits: string;
  end: number;
  spelled: boolean;
  /** Whether a homophone ("to" for two) was read as a digit. */
  homophones: boolean;
}

function readRun(tokens: string[], start: number, readHomophones: boolean): Run | undefined {
  let digits = '';
  let spelled = false;
  let homophones = false;
  let i = start;
  let lastDigitEnd = start;
  let repeat = 1;
  let afterHundred = false;
  while (i < tokens.length) {
    const token = tokens[i];
    const word = token.toLowerCase();
    if (/^\d+$/.test(token)) {
      digits += token.repeat(repeat);
      repeat = 1;
    } else if (word in REPEAT && i + 2 < tokens.length && isDigitWord(tokens[i + 2], true)) {
      repeat = REPEAT[word];
      spelled = true;
      i += 2; // the word and the space after it
      continue;
    } else if (
      readHomophones &&
      word in HOMOPHONES &&
      digits.length > 0 &&
      (isDigitWord(wordAfter(tokens, i), true) || (wordAfter(tokens, i)?.toLowerCase() ?? '') in HOMOPHONES)
    ) {
      digits += HOMOPHONES[word].repeat(repeat);
      repeat = 1;
      spelled = true;
      homophones = true;
    } else if (word in DIGITS && (word.length > 1 || digits.length > 0) && !(word === 'oh' && digits.length === 0)) {
      digits += DIGITS[word].repeat(repeat);
      repeat = 1;
      spelled = true;
      afterHundred = false;
    } else if (word in TEENS) {
      digits = afterHundred ? digits.slice(0, -2) + TEENS[word] : digits + TEENS[word];
      afterHundred = false;
      spelled = true;
    } else if (word in TENS) {
      // "one hundred twenty" is 120 (but "eight hundred five five five" stays 800 555).
      if (afterHundred) digits = digits.slice(0, -2);
      afterHundred = false;
      // "forty two" is 42, "forty" alone is 40.
      const next = tokens[i + 2]?.toLowerCase();
      if (
        tokens[i + 1] !== undefined &&
        /^[\s-]+$/.test(tokens[i + 1]) &&
        next &&
        next in DIGITS &&
        next !== 'oh' &&
        next !== 'o' &&
        next !== 'zero'
      ) {
        digits += TENS[word] + DIGITS[next];
        i += 2;
      } else {
        digits += `${TENS[word]}0`;
      }
      spelled = true;
    } else if (word === 'hundred' && digits.length > 0) {
      digits += '00';
      afterHundred = true;
      spelled = true;
    } else if (digits.length > 0 && (/^[\s,.-]+$/.test(token) || JOINERS.has(word))) {
      // A separator continues the run only if a digit follows it.
      i += 1;
      continue;
    } else {
      break;
    }
    i += 1;
    lastDigitEnd = i;
  }
  return digits.length > 0 ? { digits, end: lastDigitEnd, spelled, homophones } : undefined;
}

/** The next word or number after token i, past separators (spaces, commas, dashes). */
function wordAfter(tokens: string[], i: number): string | undefined {
  let j = i + 1;
  while (j < tokens.length && /^[\s,.-]+$/.test(tokens[j])) j += 1;
  return tokens[j];
}

function isDigitWord(token: string | undefined, allowZero: boolean): boolean {
  if (!token) return false;
  const word = token.toLowerCase();
  return /^\d+$/.test(token) || (word in DIGITS && (allowZero || DIGITS[word] !== '0'));
}

const TLDS = 'com|net|org|edu|gov|io|co|uk|us|ca|de|fr|es|ie|au|info|biz|me';
const LETTERS = String.raw`(?:[a-z0-9]\s+)*[a-z0-9]+`;
const SEPARATOR = String.raw`\s+(?:dot|underscore|dash|hyphen)\s+`;
const DOMAIN = String.raw`\s+at\s+([a-z0-9]+(?:\s+dot\s+[a-z0-9]+)*\s+dot\s+(?:${TLDS}))\b`;
/**
 * After a cue ("it's", "email is", "send it to") the local part may be several spoken words
 * ("ola adeyemi forty two at yahoo dot com"); without a cue only the word before "at" is taken.
 */
const CUED_EMAIL = new RegExp(
  String.raw`(\b(?:is|it's|its|email|e-mail|address|to|me|was|use|try|at)[\s,:]+)((?:(?!at\b)[a-z0-9]+(?:${SEPARATOR}|\s+)){0,5}?(?!at\b)[a-z0-9]+)${DOMAIN}`,
  'gi',
);
const SPOKEN_EMAIL = new RegExp(String.raw`(?<![\w'])(${LETTERS}(?:${SEPARATOR}${LETTERS})*)${DOMAIN}`, 'gi');

function writtenNumberWords(part: string): string {
  // "forty two" -> 42, "seven" -> 7: numbers inside an address are written as digits.
  return part.replace(
    /\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]+(one|two|three|four|five|six|seven|eight|nine))?\b|\b(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)\b/gi,
    (_m, tens?: string, unit?: string, single?: string) => {
      if (single) return TEENS[single.toLowerCase()] ?? DIGITS[single.toLowerCase()];
      return TENS[(tens as string).toLowerCase()] + (unit ? DIGITS[unit.toLowerCase()] : '0');
    },
  );
}

function written(part: string): string {
  return writtenNumberWords(part)
    .replace(/\s+dot\s+/gi, '.')
    .replace(/\s+underscore\s+/gi, '_')
    .replace(/\s+(?:dash|hyphen)\s+/gi, '-')
    .replace(/\s+/g, '');
}

export function normaliseSpokenEmails(text: string): string {
  if (!/\bdot\b/i.test(text)) return text;
  return text
    .replace(
      CUED_EMAIL,
      (_match, cue: string, local: string, domain: string) => `${cue}${written(local)}@${written(domain)}`,
    )
    .replace(SPOKEN_EMAIL, (_match, local: string, domain: string) => `${written(local)}@${written(domain)}`);
}
