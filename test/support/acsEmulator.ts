import type { AcsEmulator } from '@switchboard/acs-emulator';
import type { Config } from '@switchboard/app/config';

export { startAcsEmulatorChecked } from '@switchboard/acs-emulator/test/support/checkedEmulator';

/** The app's ACS settings pointed at this emulator (what createCallAutomationClient and friends read). */
export function acsSettingsFor(acs: AcsEmulator): Pick<Config, 'acs'> {
  return {
    acs: {
      connectionString: acs.connectionString,
      immutableResourceId: acs.immutableResourceId,
      callbackIssuer: acs.issuer,
      callbackJwksUrl: acs.jwksUrl,
    },
  };
}
