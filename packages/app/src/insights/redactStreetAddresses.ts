// Street addresses, written ("42 Elm Street", "14 Elm Grove") and spoken ("forty two Elm Street", "four
// five two one maple avenue", "two hundred and five Church Road", "one twenty three Main Street,
// apartment four"). Speech-to-text writes house numbers as words, which the library's address pattern
// (digits first) cannot see, so the spoken number is part of the pattern here.

const UNITS = 'zero|oh|one|two|three|four|five|six|seven|eight|nine';
const TEENS = 'ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen';
const TENS = 'twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety';
const NUMBER_WORD = `(?:${UNITS}|${TEENS}|${TENS}|hundred|thousand)`;
/** "forty two", "forty-two", "one twenty three", "two hundred and five", "four five two one". */
const SPOKEN_NUMBER = String.raw`(?:${UNITS}|${TEENS}|${TENS})(?:(?:[\s-]+|\s+and\s+(?=${NUMBER_WORD}))${NUMBER_WORD}\b)*`;
const HOUSE_NUMBER = String.raw`(?:\d{1,5}[A-Za-z]?|${SPOKEN_NUMBER})`;

/** Street types that are rarely ordinary words: the street's name may be in any case ("maple avenue"). */
const CLEAR_TYPES =
  'street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|terrace|crescent|grove|parkway|highway|hwy|mews|court|ct|place|pl|circle|cir';
/** Street types that are also ordinary words ("one more way"): only after a capitalised name ("Elm Way"). */
const WORD_TYPES = 'way|close|square|row|gardens|park|hill|walk|green|rise|vale|view|heights|trail|loop|path|plaza';
/** Words that never belong to a street's name, so "forty minutes in the park" is not an address. */
const NOT_A_NAME =
  'a|an|and|the|of|on|in|at|to|for|from|with|by|my|your|our|their|his|her|its|is|are|was|were|be|it|this|that|these|those|i|we|you|they|he|she|or|but|so|then|than|about|after|before|over|under|into|per|more|other|dollars|pounds|euros|minutes|hours|days|weeks|months|years|times|calls|items|people|percent';
const NAME_WORD = String.raw`(?!(?:${NOT_A_NAME}|${NUMBER_WORD})\b)[A-Za-z][A-Za-z'-]*`;
const UNIT = String.raw`(?:,?\s+(?:apartment|apt\.?|unit|flat|suite|ste\.?)\s+(?:\d+[A-Za-z]?|${SPOKEN_NUMBER}|[A-Za-z]\b))?`;

const ADDRESS = new RegExp(
  String.raw`\b(${HOUSE_NUMBER})\s+((?:${NAME_WORD}\s+){1,3}?)(${CLEAR_TYPES}|${WORD_TYPES})\b\.?${UNIT}`,
  'gi',
);
const WORD_TYPE = new RegExp(`^(?:${WORD_TYPES})$`, 'i');
const CAPITALISED = /^[A-Z]/;

/** Replaces street addresses, written or spoken, with the placeholder. */
export function redactStreetAddresses(text: string, placeholder: string): string {
  return text.replace(ADDRESS, (match, _house: string, name: string, type: string) => {
    // "Elm Way" is a street; "one more way" is not.
    if (
      WORD_TYPE.test(type) &&
      !name
        .trim()
        .split(/\s+/)
        .every((w) => CAPITALISED.test(w))
    )
      return match;
    return placeholder;
  });
}
