import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { percentile, type BenchRow } from './stats';

// Cold start of the app's code: how long a fresh Node process takes to import every file under
// dist/functions/ (what the Functions worker loads at start), against importing only the three libraries
// any such app needs (@azure/functions, durable-functions, @azure/communication-call-automation).
// Each sample is a new process; the kinds alternate so machine load hits them alike. A third kind also
// runs what the start-up hook does before the first invocation (settings validated, flows loaded, SDK
// clients built), with Azure-shaped settings: that work moved off the import path, it did not vanish.

const SAMPLES = Number(process.env.BENCH_STARTUP_SAMPLES ?? 21);
const BASELINE = ['@azure/functions', 'durable-functions', '@azure/communication-call-automation'];

// Settings of a deployment with managed identity; nothing connects anywhere while services are built.
const startupSettings = (root: string) => ({
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  TASKHUB_NAME: 'bench',
  ACS_ENDPOINT: 'https://bench.communication.azure.com',
  ACS_IMMUTABLE_RESOURCE_ID: 'bench',
  CALLBACK_BASE_URL: 'https://bench.example.com',
  API_AUTH_TENANT_ID: 'bench-tenant',
  API_AUTH_AUDIENCE: 'api://bench',
  OUTBOUND_ALLOWED_PREFIXES: '+1',
  FLOWS_PATH: join(root, 'packages', 'app', 'flows'),
});

function timeImports(modules: string[], cwd: string, thenStart = false): number {
  const start = thenStart
    ? `await require(${JSON.stringify(require.resolve('@switchboard/app/app/services'))}).getServices();`
    : '';
  const script = `(async () => { const t = performance.now(); for (const m of ${JSON.stringify(modules)}) require(m); ${start} process.stdout.write(String(performance.now() - t)); })();`;
  const child = spawnSync(process.execPath, ['-e', script], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production', ...(thenStart ? startupSettings(cwd) : {}) },
  });
  if (child.status !== 0) throw new Error(`import failed: ${child.stderr}`);
  return Number(child.stdout);
}

export function run(): Promise<{ name: string; rows: BenchRow[] }> {
  const root = resolve(__dirname, '..', '..');
  const functionsDir = join(root, 'dist', 'functions');
  const app = readdirSync(functionsDir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => join(functionsDir, f));
  const baseline: number[] = [];
  const whole: number[] = [];
  const started: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    baseline.push(timeImports(BASELINE, root));
    whole.push(timeImports(app, root));
    started.push(timeImports(app, root, true));
  }
  const ratios = whole.map((w, i) => w / baseline[i]);
  return Promise.resolve({
    name: 'startup',
    rows: [
      {
        metric: 'import @azure/functions + durable-functions + call-automation',
        p50: percentile(baseline, 50),
        p99: percentile(baseline, 99),
        unit: 'ms',
        samples: SAMPLES,
      },
      {
        metric: `import every dist/functions file (${app.length})`,
        p50: percentile(whole, 50),
        p99: percentile(whole, 99),
        unit: 'ms',
        samples: SAMPLES,
      },
      {
        metric: 'whole app / libraries alone (paired)',
        p50: percentile(ratios, 50),
        p99: percentile(ratios, 99),
        unit: 'ratio',
        samples: SAMPLES,
        note: 'target <= 1.3',
      },
      {
        metric: 'import every dist/functions file + start-up hook (services built, flows loaded)',
        p50: percentile(started, 50),
        p99: percentile(started, 99),
        unit: 'ms',
        samples: SAMPLES,
      },
    ],
  });
}
