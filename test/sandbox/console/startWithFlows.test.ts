import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../../support/paths';

// `npm start -- --flows <file>`: the user's own flow file, read from where they ran npm, checked before any
// part of the sandbox starts.

describe('npm start with --flows', () => {
  it('stops before starting anything when the flow file is invalid, naming the file, flow, step and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-user-flows-'));
    writeFileSync(
      join(dir, 'mine.yaml'),
      `flows:
  myLine:
    numbers: ['+18005550900']
    start: hello
    steps:
      hello: { say: 'Hello.', nxt: bye }
      bye: { say: 'Bye.', hangup: true }
`,
    );
    const run = spawnSync(
      process.execPath,
      [join(repoRoot, 'packages', 'sandbox', 'dist', 'src', 'start.js'), '--flows', 'mine.yaml'],
      {
        env: { ...process.env, INIT_CWD: dir },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    assert.equal(run.status, 1);
    assert.match(run.stderr, /mine\.yaml: flow "myLine", step "hello", field "nxt": is not a known field/);
    assert.match(run.stderr, /Fix the flow file and start again/);
  });
});
