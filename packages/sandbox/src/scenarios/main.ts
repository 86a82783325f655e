import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AcsControlClient } from '@switchboard/acs-emulator/controlClient';
import { loadScenario, runScenario } from './runScenario';

// `npm run scenario -- <file.yaml> [...] [--control <url>]`: plays scripted callers against a running
// sandbox (`npm start`), reading the control URL from .sandbox/sandbox.json unless given.

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { control: { type: 'string' } } });
  if (positionals.length === 0) throw new Error('Usage: npm run scenario -- <scenario.yaml> [...] [--control <url>]');
  const sandbox = resolve(__dirname, '..', '..', '..', '..', '..', '.sandbox', 'sandbox.json');
  const info = values.control
    ? undefined
    : (JSON.parse(readFileSync(sandbox, 'utf8')) as { acs: { controlUrl: string; caCertPath: string } });
  const control = new AcsControlClient(
    values.control ?? info!.acs.controlUrl,
    info ? { ca: readFileSync(info.acs.caCertPath, 'utf8') } : undefined,
  );
  let failed = 0;
  for (const file of positionals) {
    const result = await runScenario(loadScenario(file), control);
    console.log(
      `${result.passed ? 'PASS' : 'FAIL'} ${result.name} (${result.durationMs.toFixed(0)} ms)${result.failure ? `: step ${result.failure.step}: ${result.failure.message}` : ''}`,
    );
    if (!result.passed) failed++;
  }
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error((error as Error).message);
  process.exit(2);
});
