import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { flowsView } from '@switchboard/console/flowGraph';
import { fixture, repoRoot } from '../../support/paths';

// What the console's flow pane draws: steps and labelled edges, or every problem of an invalid file by place.

describe("the console's view of the flows", () => {
  it('draws the main line as its steps, with choices labelled by key and name and fallbacks marked', () => {
    const view = flowsView(fixture('flows'), repoRoot);
    assert.ok(view.ok);
    const main = view.flows.find((f) => f.name === 'mainLine');
    assert.ok(main);
    assert.equal(main.file, 'test/fixtures/flows/test-lines.yaml');
    assert.deepEqual(main.numbers, ['+18005550100']);
    assert.equal(main.start, 'welcome');
    assert.deepEqual(
      main.nodes.find((n) => n.id === 'menu'),
      { id: 'menu', kind: 'ask', label: 'For billing press 1 or say billing. For sales press 2 or say sales.' },
    );
    const fromMenu = main.edges.filter((e) => e.from === 'menu').map((e) => `${e.label}->${e.to}`);
    assert.deepEqual(fromMenu.sort(), ['1 billing->billing', '2 sales->sales', 'onFail->agent'].sort());
    assert.ok(main.edges.some((e) => e.from === 'billing' && e.to === 'busy' && e.field === 'fallback'));
  });

  it('lists every problem of an invalid flow file by file, flow, step and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-console-flows-'));
    writeFileSync(
      join(dir, 'broken.yaml'),
      `flows:
  line:
    numbers: ['+18005550100']
    start: menu
    steps:
      menu: { ask: 'Press 1.', choices: [{ label: one, dtmf: '1', next: bye }], retries: 1, onFail: bye }
      bye: { say: 'Bye.', hangup: true, colour: blue }
`,
    );
    writeFileSync(
      join(dir, 'dangling.yaml'),
      `flows:
  other:
    numbers: ['+18005550101']
    start: menu
    steps:
      menu: { ask: 'Press 1.', choices: [{ label: one, dtmf: '1', next: nowhere }], retries: 1, onFail: menu }
`,
    );
    const view = flowsView(dir, dir);
    assert.equal(view.ok, false);
    assert.ok(!view.ok);
    const where = view.problems.map((p) => `${p.file}|${p.flow}|${p.step}|${p.field}`);
    assert.ok(where.includes('broken.yaml|line|bye|colour'), where.join('\n'));
    assert.ok(where.includes('dangling.yaml|other|menu|choices[0].next'), where.join('\n'));
    assert.ok(view.problems.every((p) => p.message.length > 0));
  });
});
