import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { repoRoot } from '../../support/paths';

// The import rules of the README's layout section, checked on every TypeScript source file. TypeScript's own
// pre-processor lists each file's imports (static, dynamic, require and `import type`), so nothing is parsed by hand.

const FOLDERS = ['functions', 'shared', 'bridge', 'sandbox', 'test', 'bench', 'scripts'];

/** Files that import nothing of the project's but other leaves: the bottom layer everything else may use. */
const LEAVES = [
  'shared/errors.ts',
  'shared/flows/flowSchema.ts',
  'shared/flows/patterns.ts',
  'shared/flows/maskVariables.ts',
  'shared/calls/callIdFor.ts',
  'shared/messaging/smsKeyword.ts',
  'shared/insights/normaliseSpokenPii.ts',
  'shared/storage/createTableOnce.ts',
  'shared/storage/plainHttpAllowed.ts',
  'shared/acs/identifiers.ts',
  'shared/schedule/holidays.ts',
  'shared/schedule/weeklySchedule.ts',
  'shared/schedule/isFlowOpen.ts',
  'shared/callflow/names.ts',
  'shared/insights/redactStreetAddresses.ts',
];

interface Rule {
  from: string;
  never: string[];
  why: string;
}

const RULES: Rule[] = [
  {
    from: 'functions/',
    never: ['sandbox/', 'test/', 'bench/', 'scripts/'],
    why: 'product code runs in Azure without them',
  },
  {
    from: 'bridge/',
    never: ['sandbox/', 'test/', 'bench/', 'scripts/'],
    why: 'product code runs in Azure without them',
  },
  {
    from: 'shared/',
    never: ['sandbox/', 'test/', 'bench/', 'scripts/', 'functions/', 'bridge/'],
    why: 'the logic is used by the entry points, never the reverse',
  },
  { from: 'sandbox/', never: ['test/', 'bench/'], why: 'the sandbox is what tests and benchmarks start' },
  { from: 'bench/', never: ['test/'], why: 'benchmarks start the sandbox the way `npm start` does' },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === 'fixtures' || name === 'node_modules' ? [] : sourceFiles(path);
      return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
    });
}

/** Every project file each source file imports, as repository-relative paths; and the packages it imports. */
function importGraph(): { graph: Map<string, string[]>; packages: Map<string, string[]> } {
  const graph = new Map<string, string[]>();
  const packages = new Map<string, string[]>();
  for (const folder of FOLDERS) {
    const dir = join(repoRoot, folder);
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue;
    for (const file of sourceFiles(dir)) {
      const names = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
      const targets = names
        .filter((name) => name.startsWith('.'))
        .map((name) => projectFile(resolve(dirname(file), name)));
      graph.set(relative(repoRoot, file), targets);
      packages.set(
        relative(repoRoot, file),
        names.filter((name) => !name.startsWith('.')),
      );
    }
  }
  return { graph, packages };
}

/** An import specifier's file: `./x` is x.ts or x/index.ts (a .json import keeps its name). */
function projectFile(path: string): string {
  const candidates = [`${path}.ts`, path, join(path, 'index.ts')];
  const found = candidates.find((p) => statSync(p, { throwIfNoEntry: false })?.isFile()) ?? path;
  return relative(repoRoot, found);
}

const { graph, packages } = importGraph();
const edges = [...graph].flatMap(([from, targets]) => targets.map((to) => ({ from, to })));

describe('the import rules of the layout', () => {
  it('reads the whole tree', () => {
    assert.ok(graph.size > 100, `only ${graph.size} source files found under ${repoRoot}`);
    assert.ok(edges.some((e) => e.from.startsWith('functions/') && e.to.startsWith('shared/')));
  });

  for (const rule of RULES) {
    it(`keeps ${rule.from} from importing ${rule.never.join(', ')} (${rule.why})`, () => {
      const broken = edges
        .filter((e) => e.from.startsWith(rule.from) && rule.never.some((folder) => e.to.startsWith(folder)))
        .map((e) => `${e.from} -> ${e.to}`);
      assert.deepEqual(broken, []);
    });
  }

  it("keeps product and sandbox code on packages' public entry points, never their dist/ internals", () => {
    const deep = [...packages]
      .filter(([from]) => /^(functions|shared|bridge|sandbox)\//.test(from))
      .flatMap(([from, names]) =>
        names.filter((name) => /\/(dist|lib|build)\//.test(name)).map((n) => `${from} -> ${n}`),
      );
    assert.deepEqual(deep, []);
  });

  it('keeps leaf modules importing nothing of the project but other leaves', () => {
    const missing = LEAVES.filter((leaf) => !graph.has(leaf));
    assert.deepEqual(missing, [], 'a leaf moved or was removed: update LEAVES');
    const upward = edges.filter((e) => LEAVES.includes(e.from) && !LEAVES.includes(e.to));
    assert.deepEqual(
      upward.map((e) => `${e.from} -> ${e.to}`),
      [],
    );
  });

  it('keeps flow files (shared/flows/) below routing and the call workflow: they import neither', () => {
    const upward = edges.filter(
      (e) => e.from.startsWith('shared/flows/') && /^shared\/(routing|callflow|calls)\//.test(e.to),
    );
    assert.deepEqual(
      upward.map((e) => `${e.from} -> ${e.to}`),
      [],
    );
  });

  it('keeps the composition root shared/app/ out of the modules it composes', () => {
    const broken = edges.filter(
      (e) => e.from.startsWith('shared/') && !e.from.startsWith('shared/app/') && e.to.startsWith('shared/app/'),
    );
    assert.deepEqual(
      broken.map((e) => `${e.from} -> ${e.to}`),
      [],
    );
  });
});
