import { phoneNumberOf } from '../acs/identifiers';

/** Entries are whole E.164 numbers or prefixes ("+1900" blocks every +1900 number). */
export function isBlocked(blockList: readonly string[] | undefined, caller: string): boolean {
  if (!blockList || blockList.length === 0) return false;
  const number = phoneNumberOf(caller);
  return blockList.some((entry) => number.startsWith(entry));
}
