import { resolve, sep } from 'node:path';

/**
 * Where the emulator keeps its CA and info file: `ACS_EMULATOR_HOME` if set; `.acs-emulator` in the current
 * folder when installed from a tarball or registry (as Azurite writes beside where it runs); the repository's
 * `.sandbox` when run from the Switchboard workspace, so every sandbox process shares one CA.
 */
export function stateDir(): string {
  if (process.env.ACS_EMULATOR_HOME) return resolve(process.env.ACS_EMULATOR_HOME);
  if (__dirname.split(sep).includes('node_modules')) return resolve(process.cwd(), '.acs-emulator');
  return resolve(__dirname, '..', '..', '..', '..', '.sandbox'); // packages/acs-emulator/dist/src
}
