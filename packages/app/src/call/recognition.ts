import type { Tone } from './activityTypes';
import type { AskStep, Choice } from '../flows/flowSchema';
import type { CallEventData } from './names';

const TONES: Record<string, Tone> = {
  '0': 'zero',
  '1': 'one',
  '2': 'two',
  '3': 'three',
  '4': 'four',
  '5': 'five',
  '6': 'six',
  '7': 'seven',
  '8': 'eight',
  '9': 'nine',
  A: 'a',
  B: 'b',
  C: 'c',
  D: 'd',
  '#': 'pound',
  '*': 'asterisk',
};
const KEYS: Record<string, string> = Object.fromEntries(Object.entries(TONES).map(([key, tone]) => [tone, key]));

/** "1" -> "one", "#" -> "pound". */
export function toneOf(key: string): Tone {
  const tone = TONES[key.toUpperCase()];
  if (!tone) throw new Error('not a DTMF key');
  return tone;
}

/** ACS tone words ("one", "pound"; any case) -> keys ("1#"); unknown words are dropped. */
export function keysOf(tones: readonly string[] | undefined): string {
  return (tones ?? []).map((t) => KEYS[String(t).toLowerCase()] ?? '').join('');
}

// RecognizeFailed subCodes (docs/acs-wire-protocol.md): silence -> no input; wrong input -> no match;
// anything else (prompt failed to play, Cognitive Services error...) is a failure of the step.
const NO_INPUT = new Set([8510, 8532]);
const NO_MATCH = new Set([8531, 8534, 8547, 8563]);

export type RecognizeFailure = 'no-input' | 'no-match' | 'error';

export function classifyRecognizeFailure(data: CallEventData | undefined): RecognizeFailure {
  const subCode = data?.resultInformation?.subCode;
  if (subCode !== undefined && NO_INPUT.has(subCode)) return 'no-input';
  if (subCode !== undefined && NO_MATCH.has(subCode)) return 'no-match';
  return 'error';
}

const normalise = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** The choice a RecognizeCompleted event picked: by label (choices), by key (DTMF) or by phrase (speech). */
export function matchChoice(step: Pick<AskStep, 'choices'>, data: CallEventData | undefined): Choice | undefined {
  if (!data) return undefined;
  const label = data.choiceResult?.label;
  if (label) return step.choices.find((c) => c.label.toLowerCase() === label.toLowerCase());
  const keys = keysOf(data.dtmfResult?.tones);
  if (keys) return step.choices.find((c) => c.dtmf === keys);
  const speech = data.speechResult?.speech;
  if (speech) {
    const heard = ` ${normalise(speech)} `;
    return step.choices.find((c) => [c.label, ...(c.phrases ?? [])].some((p) => heard.includes(` ${normalise(p)} `)));
  }
  return undefined;
}
