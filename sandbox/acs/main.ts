// `npm run acs`: the emulator standalone. Writes `.sandbox/acs.json` so other processes can find it.
// Settings from the environment: ACS_EMULATOR_PORT, ACS_IMMUTABLE_RESOURCE_ID, ACS_EMULATOR_ACCESS_KEY,
// ACS_EMULATOR_TIME_SCALE, ACS_EMULATOR_SUBSCRIPTIONS (a JSON file of Event Grid subscriptions).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startAcsEmulator } from './index';

async function main(): Promise<void> {
  const env = process.env;
  const emulator = await startAcsEmulator({
    port: env.ACS_EMULATOR_PORT ? Number(env.ACS_EMULATOR_PORT) : 0,
    immutableResourceId: env.ACS_IMMUTABLE_RESOURCE_ID || undefined,
    accessKey: env.ACS_EMULATOR_ACCESS_KEY || undefined,
    timeScale: env.ACS_EMULATOR_TIME_SCALE ? Number(env.ACS_EMULATOR_TIME_SCALE) : undefined,
    subscriptionsFile: env.ACS_EMULATOR_SUBSCRIPTIONS || undefined,
  });
  const dir = resolve(__dirname, '..', '..', '..', '.sandbox');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'acs.json');
  const { endpoint, connectionString, caCertPath, jwksUrl, immutableResourceId, controlUrl } = emulator;
  writeFileSync(file, JSON.stringify({ endpoint, connectionString, caCertPath, jwksUrl, immutableResourceId, controlUrl }, null, 2) + '\n', { mode: 0o600 });
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
