/** The two frequencies (Hz) of each DTMF key, by ACS's tone names. */
export const DTMF_FREQUENCIES: Record<string, [number, number]> = {
  one: [697, 1209],
  two: [697, 1336],
  three: [697, 1477],
  a: [697, 1633],
  four: [770, 1209],
  five: [770, 1336],
  six: [770, 1477],
  b: [770, 1633],
  seven: [852, 1209],
  eight: [852, 1336],
  nine: [852, 1477],
  c: [852, 1633],
  asterisk: [941, 1209],
  zero: [941, 1336],
  pound: [941, 1477],
  d: [941, 1633],
};
