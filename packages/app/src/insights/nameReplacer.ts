// Replacing known names in text: the part of name redaction every provider uses. Detecting names in free
// text is the provider's (Azure AI Language PII in Azure, @switchboard/local-ai's detector offline).

/** Names that are also everyday words: replaced only where written with a capital or after a cue. */
export const AMBIGUOUS_NAMES = new Set([
  'bill',
  'will',
  'mark',
  'may',
  'june',
  'april',
  'august',
  'rose',
  'grace',
  'hope',
  'joy',
  'faith',
  'pat',
  'rich',
  'frank',
  'sunny',
  'dawn',
  'summer',
  'amber',
  'ruby',
  'chase',
  'hunter',
  'art',
  'max',
  'gene',
  'sue',
  'don',
  'ray',
  'guy',
  'bob',
  'lee',
  'long',
  'young',
  'white',
  'brown',
  'green',
  'black',
  'gray',
  'grey',
  'price',
  'cash',
  'card',
  'banks',
  'bank',
  'king',
  'hall',
  'page',
  'miles',
  'case',
  'major',
  'ward',
  'rich',
  'love',
  'star',
  'crystal',
  'jade',
  'iris',
  'lily',
  'holly',
  'penny',
  'victoria',
  'virginia',
  'georgia',
  'carolina',
  'jordan',
  'paris',
  'sydney',
]);

/** The text as a literal inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A function that replaces each detected name (and runs like "John Smith") with one [NAME]. */
export function nameReplacer(names: readonly string[]): (text: string) => string {
  if (names.length === 0) return (text) => text;
  // Longest first so "Johnson" is not cut to "[NAME]son"; \b keeps "Ann" out of "Annual".
  const byLength = [...names].sort((a, b) => b.length - a.length);
  const plain = byLength.filter((n) => !AMBIGUOUS_NAMES.has(n.toLowerCase())).map(escapeRegExp);
  const ambiguous = byLength
    .filter((n) => AMBIGUOUS_NAMES.has(n.toLowerCase()))
    .map((n) => escapeRegExp(n[0].toUpperCase() + n.slice(1).toLowerCase()));
  const passes = [
    plain.length ? new RegExp(String.raw`(?<![\p{L}\[])(?:${plain.join('|')})(?![\p{L}\]])`, 'giu') : undefined,
    ambiguous.length ? new RegExp(String.raw`(?<![\p{L}\[])(?:${ambiguous.join('|')})(?![\p{L}\]])`, 'gu') : undefined,
  ].filter((r): r is RegExp => r !== undefined);
  return (text) => {
    let out = text;
    for (const pass of passes) out = out.replace(pass, '[NAME]');
    // "John Smith" is one name, not two.
    return out.replace(/\[NAME\](?:'s)?(?:\s+\[NAME\])+/g, '[NAME]');
  };
}
