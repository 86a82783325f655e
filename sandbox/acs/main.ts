// `npm run acs`: the emulator standalone. Writes `.sandbox/acs.json` so other processes can find it.
// Settings: flags `--port=N --subscriptions=FILE --time-scale=X --resource-id=ID --access-key=KEY
// --event-grid-timeout-ms=MS --callback-timeout-ms=MS` or the environment (ACS_EMULATOR_PORT,
// ACS_EMULATOR_SUBSCRIPTIONS, ACS_EMULATOR_TIME_SCALE, ACS_IMMUTABLE_RESOURCE_ID, ACS_EMULATOR_ACCESS_KEY,
// ACS_EMULATOR_EVENT_GRID_TIMEOUT_MS, ACS_EMULATOR_CALLBACK_TIMEOUT_MS, ACS_EMULATOR_INFO_FILE to write elsewhere).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { startAcsEmulator } from './index';

function setting(flag: string, env: string): string | undefined {
  const prefix = `--${flag}=`;
  const arg = process.argv.slice(2).find((a) => a.startsWith(prefix));
  return arg ? arg.slice(prefix.length) : process.env[env] || undefined;
}

/** A number setting, or undefined when absent; anything else stops start-up with its name. */
function numberSetting(flag: string, env: string): number | undefined {
  const text = setting(flag, env);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`--${flag} (${env}) must be a number of 0 or more, not "${text}"`);
  return value;
}

async function main(): Promise<void> {
  const emulator = await startAcsEmulator({
    port: numberSetting('port', 'ACS_EMULATOR_PORT') ?? 0,
    timeScale: numberSetting('time-scale', 'ACS_EMULATOR_TIME_SCALE'),
    eventGridDeliveryTimeoutMs: numberSetting('event-grid-timeout-ms', 'ACS_EMULATOR_EVENT_GRID_TIMEOUT_MS'),
    deliveryTimeoutMs: numberSetting('callback-timeout-ms', 'ACS_EMULATOR_CALLBACK_TIMEOUT_MS'),
    immutableResourceId: setting('resource-id', 'ACS_IMMUTABLE_RESOURCE_ID'),
    accessKey: setting('access-key', 'ACS_EMULATOR_ACCESS_KEY'),
    subscriptionsFile: setting('subscriptions', 'ACS_EMULATOR_SUBSCRIPTIONS'),
  });
  const file = resolve(
    setting('info-file', 'ACS_EMULATOR_INFO_FILE') ?? resolve(__dirname, '..', '..', '..', '.sandbox', 'acs.json'),
  );
  mkdirSync(dirname(file), { recursive: true });
  const { endpoint, connectionString, caCertPath, jwksUrl, immutableResourceId, controlUrl, proxyUrl, issuer } =
    emulator;
  const info = { endpoint, connectionString, caCertPath, jwksUrl, immutableResourceId, controlUrl, proxyUrl, issuer };
  // Written atomically: a reader never sees half a file. It holds the access key, hence mode 600.
  writeFileSync(`${file}.tmp`, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  process.stdout.write(`ACS emulator listening on ${endpoint} (settings in ${file})\n`);
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`ACS emulator failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
