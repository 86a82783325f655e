import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { printTable, type BenchResult } from './stats';

// `npm run bench -- <name...>`: runs benchmarks (each a module bench/<name>.ts exporting run()), prints a
// table and writes bench/results/<name>.json. Each runs in its own process so they do not disturb each other.

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const all = ['host', 'calls', 'insights', 'recordings', 'load', 'bridge', 'startup', 'messaging', 'analytics'];
  const selected = names.length ? names : all.filter((n) => existsSync(join(__dirname, `${n}.js`)));
  const outDir = resolve(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  for (const name of selected) {
    const file = join(__dirname, `${name}.js`);
    if (!existsSync(file)) throw new Error(`No benchmark named "${name}" (looked for ${file}).`);
    if (process.env.BENCH_CHILD !== name && selected.length > 1) {
      const { spawnSync } = await import('node:child_process');
      const child = spawnSync(process.execPath, [__filename, name], {
        stdio: 'inherit',
        env: { ...process.env, BENCH_CHILD: name },
      });
      if (child.status !== 0) throw new Error(`Benchmark ${name} failed.`);
      continue;
    }
    const mod = (await import(file)) as { run(): Promise<Omit<BenchResult, 'machine' | 'at'>> };
    const partial = await mod.run();
    const result: BenchResult = {
      ...partial,
      machine: `${cpus().length} cores, ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`,
      at: new Date().toISOString(),
    };
    printTable(result);
    writeFileSync(join(outDir, `${name}.json`), JSON.stringify(result, null, 2));
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
