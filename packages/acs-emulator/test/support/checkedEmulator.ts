import { startAcsEmulator, type AcsEmulator, type AcsEmulatorOptions } from '../../src/index';

/**
 * The ACS emulator as every test starts it: when the test closes it, its own timeline must hold no `error`
 * entry (a failure inside the emulator, which a client would have seen as a 500). Each instance checks
 * itself, so the check covers the whole suite in any order.
 */
export async function startAcsEmulatorChecked(options: AcsEmulatorOptions = {}): Promise<AcsEmulator> {
  const acs = await startAcsEmulator(options);
  return {
    ...acs,
    async close() {
      let errors: Awaited<ReturnType<AcsEmulator['control']['timeline']>>;
      try {
        errors = await acs.control.timeline({ kind: 'error' });
      } finally {
        await acs.close();
      }
      if (errors.length) {
        const list = errors.map((e) => `${e.type ?? '?'}: ${e.error ?? ''}`).join('\n  ');
        throw new Error(`The ACS emulator recorded ${errors.length} internal error(s):\n  ${list}`);
      }
    },
  };
}
