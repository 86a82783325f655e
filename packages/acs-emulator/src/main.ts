#!/usr/bin/env node
// `npm run acs`: the emulator standalone. Writes `.sandbox/acs.json` so other processes can find it.
// Settings: flags `--port N --subscriptions FILE --time-scale X --resource-id ID --access-key KEY
// --info-file FILE --event-grid-timeout-ms MS --callback-timeout-ms MS` (or `--flag=value`), else the environment
// (ACS_EMULATOR_PORT, ACS_EMULATOR_SUBSCRIPTIONS, ACS_EMULATOR_TIME_SCALE, ACS_IMMUTABLE_RESOURCE_ID,
// ACS_EMULATOR_ACCESS_KEY, ACS_EMULATOR_INFO_FILE, ACS_EMULATOR_EVENT_GRID_TIMEOUT_MS, ACS_EMULATOR_CALLBACK_TIMEOUT_MS).
import { stateDir } from './stateDir';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startAcsEmulator } from './index';

const FLAGS = {
  port: 'ACS_EMULATOR_PORT',
  subscriptions: 'ACS_EMULATOR_SUBSCRIPTIONS',
  'time-scale': 'ACS_EMULATOR_TIME_SCALE',
  'resource-id': 'ACS_IMMUTABLE_RESOURCE_ID',
  'access-key': 'ACS_EMULATOR_ACCESS_KEY',
  'info-file': 'ACS_EMULATOR_INFO_FILE',
  'event-grid-timeout-ms': 'ACS_EMULATOR_EVENT_GRID_TIMEOUT_MS',
  'callback-timeout-ms': 'ACS_EMULATOR_CALLBACK_TIMEOUT_MS',
} as const;

/** A duration flag in milliseconds; anything but a positive number stops start-up naming it. */
function milliseconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`a timeout must be a positive number of ms, not "${text}"`);
  return value;
}

async function main(): Promise<void> {
  // Strict: a mistyped flag is an error that names it, not a setting silently ignored.
  const { values } = parseArgs({
    options: Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: 'string' as const }])),
  });
  const setting = (flag: keyof typeof FLAGS): string | undefined =>
    values[flag] ?? (process.env[FLAGS[flag]] || undefined);
  const port = setting('port');
  const timeScale = setting('time-scale');
  const emulator = await startAcsEmulator({
    port: port ? Number(port) : 0,
    timeScale: timeScale ? Number(timeScale) : undefined,
    immutableResourceId: setting('resource-id'),
    accessKey: setting('access-key'),
    subscriptionsFile: setting('subscriptions'),
    eventGridDeliveryTimeoutMs: milliseconds(setting('event-grid-timeout-ms')),
    deliveryTimeoutMs: milliseconds(setting('callback-timeout-ms')),
  });
  const file = resolve(setting('info-file') ?? resolve(stateDir(), 'acs.json'));
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
