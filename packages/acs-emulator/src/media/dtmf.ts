import { acsErrors } from '../errors';

// The DTMF keys, once: the character a caller presses, ACS's tone name for it, and its two frequencies (Hz).
const KEYS: Array<[key: string, tone: string, low: number, high: number]> = [
  ['1', 'one', 697, 1209],
  ['2', 'two', 697, 1336],
  ['3', 'three', 697, 1477],
  ['A', 'a', 697, 1633],
  ['4', 'four', 770, 1209],
  ['5', 'five', 770, 1336],
  ['6', 'six', 770, 1477],
  ['B', 'b', 770, 1633],
  ['7', 'seven', 852, 1209],
  ['8', 'eight', 852, 1336],
  ['9', 'nine', 852, 1477],
  ['C', 'c', 852, 1633],
  ['*', 'asterisk', 941, 1209],
  ['0', 'zero', 941, 1336],
  ['#', 'pound', 941, 1477],
  ['D', 'd', 941, 1633],
];

/** The two frequencies (Hz) of each DTMF key, by ACS's tone names. */
export const DTMF_FREQUENCIES: Record<string, [number, number]> = Object.fromEntries(
  KEYS.map(([, tone, low, high]) => [tone, [low, high]]),
);

const TONES: Record<string, string> = Object.fromEntries(KEYS.map(([key, tone]) => [key, tone]));

/** "12#" -> ["one","two","pound"]; unknown characters are rejected. */
export function digitsToTones(digits: string): string[] {
  return [...digits.toUpperCase()].map((d) => {
    const tone = TONES[d];
    if (!tone) throw acsErrors.invalidBody('Digits may only be 0-9, *, #, A-D.');
    return tone;
  });
}
