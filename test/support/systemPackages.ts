import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

// Tests that need Debian packages skip on a machine without them, saying in one line how to install them.
// CI sets SWITCHBOARD_CI=1 (.ci/run), where a missing package is a failure instead: CI installs them, so a
// skip there would hide a broken setup. Offline speech needs none: it comes from npm (docs/local-ai.md).

/** The browser the console's end-to-end tests drive (through playwright-core, never a downloaded build). */
export const CHROMIUM_PACKAGES = {
  commands: ['chromium'],
  install: 'sudo apt-get install chromium',
};

/** The commands not found on PATH (as the app's own child processes would look them up). */
export function missingCommands(commands: string[], path = process.env.PATH ?? ''): string[] {
  const dirs = path.split(delimiter).filter(Boolean);
  return commands.filter(
    (command) =>
      !dirs.some((dir) => {
        try {
          accessSync(join(dir, command), constants.X_OK);
          return true;
        } catch {
          return false;
        }
      }),
  );
}

export interface PackageCheck {
  /** For a test's options: false to run, or the one-line reason it skips. */
  skip: false | string;
  /** Throws the same line when the packages are missing (CI runs the test, which fails at once). */
  require(): void;
}

/** Whether tests needing `packages` run here: missing packages skip them, or fail them under CI. */
export function systemPackages(
  packages: { commands: string[]; install: string },
  env: NodeJS.ProcessEnv = process.env,
): PackageCheck {
  const missing = missingCommands(packages.commands, env.PATH);
  const line = missing.length === 0 ? '' : `needs ${missing.join(', ')}, not installed: ${packages.install}`;
  const ci = env.SWITCHBOARD_CI === '1';
  return {
    skip: missing.length > 0 && !ci ? line : false,
    require() {
      if (missing.length > 0) throw new Error(`${line} (SWITCHBOARD_CI=1: CI must install them)`);
    },
  };
}
