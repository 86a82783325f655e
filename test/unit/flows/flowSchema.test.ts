import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ValidationError } from '@switchboard/core/errors';
import { flowJsonSchemaText } from '@switchboard/app/flows/flowJsonSchema';
import { STEP_KINDS, stepKind } from '@switchboard/app/flows/flowSchema';
import { loadFlows } from '@switchboard/app/flows/loadFlows';
import { parseFlowFile } from '@switchboard/app/flows/parseFlowFile';

// Tests run from dist/test/unit/flows; the repository root is four levels up.
const root = join(__dirname, '..', '..', '..', '..');

/** The problems a flow file has, one line each. */
function problemsOf(yaml: string, file = 'flows/x.yaml'): string[] {
  try {
    parseFlowFile(yaml, file);
  } catch (error) {
    assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${String(error)}`);
    assert.ok(error.message.startsWith(`Invalid flow file ${file}`));
    return [...error.details];
  }
  assert.fail('the flow file was accepted');
}

/** A valid one-flow file with the given extra steps (YAML lines indented under steps). */
function flowWith(steps: string, header = '') {
  return `flows:
  support:
    numbers: ["+18005550100"]
${header}    start: welcome
    steps:
      welcome: { say: "Hello", next: menu }
      menu:
        ask: "Press 1 for billing"
        choices:
          - { label: billing, dtmf: "1", next: billing }
        onFail: bye
      billing: { transfer: "+18005550111", fallback: bye }
      bye: { say: Goodbye, hangup: true }
${steps}`;
}

describe('the flow language', () => {
  it('accepts the shipped contoso.yaml, which uses every step type and the care agent on every channel', () => {
    const set = loadFlows(join(root, 'packages', 'app', 'flows', 'contoso.yaml'));
    assert.deepEqual(Object.keys(set.flows).sort(), ['appointmentReminder', 'callBack', 'mainLine', 'tryItLine']);
    const kinds = new Set(Object.values(set.flows).flatMap((f) => Object.values(f.steps).map(stepKind)));
    assert.deepEqual([...kinds].sort(), [...STEP_KINDS].sort());
    assert.equal(set.flows.mainLine.hours?.timeZone, 'America/New_York');
    assert.equal(set.flows.tryItLine.hours, undefined, 'a line open at any hour for trying things');
    const care = set.messaging?.care;
    assert.ok(care?.numbers?.includes('+18005550100') && care.chat && care.whatsapp, 'the care agent on every channel');
  });

  it('loads a whole folder, skipping the JSON Schema', () => {
    const set = loadFlows(join(root, 'packages', 'app', 'flows'));
    assert.ok('mainLine' in set.flows);
    assert.match(set.sources.mainLine, /contoso\.yaml$/);
  });

  it('keeps flows/flow.schema.json current (regenerate: npm run docs)', () => {
    const committed = readFileSync(join(root, 'packages', 'app', 'flows', 'flow.schema.json'), 'utf8');
    assert.equal(committed, flowJsonSchemaText());
    const schema = JSON.parse(committed) as { $defs: { Step: { anyOf: unknown[] } } };
    assert.ok(schema.$defs.Step.anyOf.length >= STEP_KINDS.length);
  });

  it('accepts the support-line sketch of the original design', () => {
    const set = parseFlowFile(
      `flows:
  support:
    numbers: ["+18005550100"]
    hours: { timeZone: America/New_York, open: "Mon-Fri 08:00-18:00", closed: afterHours }
    start: welcome
    steps:
      welcome: { say: "Thanks for calling Contoso.", next: menu }
      menu:
        ask: "For billing press 1 or say billing. For sales press 2 or say sales."
        choices:
          - { label: billing, dtmf: "1", phrases: [billing, invoice], next: billing }
          - { label: sales, dtmf: "2", phrases: [sales, buy], next: sales }
        retries: 2
        onFail: agent
      billing: { transfer: "+18005550111", announce: "Connecting you to billing." }
      sales: { transfer: "+18005550112" }
      agent: { voiceAgent: { instructions: "You are Contoso's assistant...", handoff: billing } }
      afterHours: { say: "We are closed.", next: voicemail }
      voicemail: { record: { maxSeconds: 120 }, next: goodbye }
      goodbye: { say: "Goodbye.", hangup: true }
`,
      'sketch.yaml',
    );
    assert.equal(stepKind(set.flows.support.steps.goodbye), 'say');
  });

  it('names file, flow, step and field of a wrong value', () => {
    const problems = problemsOf(
      flowWith(`      menu2:
        ask: "x"
        choices: [{ label: a, dtmf: "1", next: bye }, { label: b, dtmf: "12", next: bye }]
`)
        .replace('next: menu }', 'next: menu2 }')
        .replace('onFail: bye', 'onFail: bye\n      menuX: { say: x }'),
    );
    assert.ok(
      problems.includes(
        'flows/x.yaml: flow "support", step "menu2", field "choices[1].dtmf": must be one key: 0-9, *, # or A-D',
      ),
      problems.join('\n'),
    );
  });

  it('rejects unknown fields by name', () => {
    const problems = problemsOf(
      flowWith('      extra: { say: hi, nxt: bye }\n')
        .replace('next: menu }', 'next: extra }')
        .replace('hangup: true }', 'hangup: true }\n'),
    );
    assert.ok(
      problems.some((p) => p === 'flows/x.yaml: flow "support", step "extra", field "nxt": is not a known field'),
      problems.join('\n'),
    );
  });

  it('rejects a step that does two things or nothing', () => {
    const problems = problemsOf(
      flowWith('      two: { say: hi, transfer: "+18005550111" }\n      none: { next: bye }\n'),
    );
    assert.ok(
      problems.includes(
        'flows/x.yaml: flow "support", step "two": does more than one thing (say, transfer): split it into steps',
      ),
    );
    assert.ok(problems.some((p) => p.startsWith('flows/x.yaml: flow "support", step "none": does nothing')));
  });

  it('rejects dangling next, onFail, fallback and handoff targets', () => {
    const problems = problemsOf(
      flowWith('      agent: { voiceAgent: { instructions: hi, handoff: humans, fallback: bye } }\n')
        .replace('next: menu }', 'next: menuu }')
        .replace('onFail: bye', 'onFail: byebye')
        .replace('fallback: bye }', 'fallback: nowhere }'),
    );
    const expected = [
      'flows/x.yaml: flow "support", step "welcome", field "next": refers to step "menuu", which does not exist',
      'flows/x.yaml: flow "support", step "menu", field "onFail": refers to step "byebye", which does not exist',
      'flows/x.yaml: flow "support", step "billing", field "fallback": refers to step "nowhere", which does not exist',
      'flows/x.yaml: flow "support", step "agent", field "voiceAgent.handoff": refers to step "humans", which does not exist',
    ];
    for (const line of expected) assert.ok(problems.includes(line), `${line}\n in\n${problems.join('\n')}`);
  });

  it('rejects unreachable steps', () => {
    const problems = problemsOf(flowWith('      orphan: { say: "Nobody hears this", next: bye }\n'));
    assert.deepEqual(problems, [
      'flows/x.yaml: flow "support", step "orphan": is unreachable: no step leads here from "welcome"',
    ]);
  });

  it('rejects a start that does not exist', () => {
    const problems = problemsOf(flowWith('').replace('start: welcome', 'start: hello'));
    assert.ok(
      problems.includes('flows/x.yaml: flow "support", field "start": refers to step "hello", which does not exist'),
    );
  });

  it('validates E.164 numbers in numbers, transfers and block lists', () => {
    const problems = problemsOf(
      flowWith('', '    blockList: ["1900"]\n')
        .replace('["+18005550100"]', '["18005550100"]')
        .replace('"+18005550111"', '"+0123"'),
    );
    assert.ok(
      problems.includes(
        'flows/x.yaml: flow "support", field "numbers[0]": must be an E.164 phone number: "+", country code, up to 15 digits',
      ),
      problems.join('\n'),
    );
    assert.ok(problems.some((p) => p.startsWith('flows/x.yaml: flow "support", field "blockList[0]":')));
    assert.ok(
      problems.some((p) =>
        p.startsWith('flows/x.yaml: flow "support", step "billing", field "transfer": must be an E.164 phone number'),
      ),
    );
  });

  it('validates time zones, opening hours and holidays', () => {
    const problems = problemsOf(
      flowWith(
        '',
        '    hours: { timeZone: America/Gotham, open: "Mon-Fri 8am-6pm", holidays: ["2026-02-30", "Christmas"] }\n',
      ),
    );
    assert.ok(
      problems.includes(
        'flows/x.yaml: flow "support", field "hours.timeZone": "America/Gotham" is not an IANA time zone (e.g. America/New_York)',
      ),
    );
    assert.ok(
      problems.some((p) =>
        p.startsWith('flows/x.yaml: flow "support", field "hours.open": "8am-6pm" must be a time range'),
      ),
    );
    assert.ok(
      problems.includes('flows/x.yaml: flow "support", field "hours.holidays[0]": "2026-02-30" is not a real date'),
    );
    assert.ok(
      problems.some((p) =>
        p.startsWith('flows/x.yaml: flow "support", field "hours.holidays[1]": "Christmas" must be'),
      ),
    );
  });

  it('rejects a menu that uses one key twice', () => {
    const problems = problemsOf(
      flowWith('').replace(
        '- { label: billing, dtmf: "1", next: billing }',
        '- { label: billing, dtmf: "1", next: billing }\n          - { label: sales, dtmf: "1", next: bye }',
      ),
    );
    assert.deepEqual(problems, [
      'flows/x.yaml: flow "support", step "menu", field "choices[1].dtmf": key 1 is already used by choices[0]',
    ]);
  });

  it('checks branch conditions', () => {
    const problems = problemsOf(
      flowWith(`      route:
        branch:
          - { when: { variable: a, equals: "1", startsWith: "2" }, next: bye }
          - { when: { caller: { matches: "(" } }, next: bye }
          - { when: { time: { open: "Mon 09:00-10:00" } }, next: bye }
          - { when: { weather: sunny }, next: bye }
        otherwise: bye
`)
        .replace('next: menu }', 'next: route }')
        .replace('onFail: bye', 'onFail: bye\n      x: { say: y, next: menu }'),
    );
    assert.ok(
      problems.includes(
        'flows/x.yaml: flow "support", step "route", field "branch[3].when": must be one of {variable, equals|in|startsWith|matches|exists}, {caller: test}, {dialled: test}, {time: {open}}, {open}, {holiday}, {all: [...]}, {any: [...]}, {not: ...}',
      ),
      problems.join('\n'),
    );
  });

  it('checks conditions once the step parses', () => {
    const problems = problemsOf(
      flowWith(`      route:
        branch:
          - { when: { variable: a, equals: "1", startsWith: "2" }, next: bye }
          - { when: { caller: { matches: "(" } }, next: bye }
          - { when: { time: { open: "Mon 09:00-10:00" } }, next: menu }
        otherwise: bye
`).replace('next: menu }', 'next: route }'),
    );
    assert.deepEqual(problems.sort(), [
      'flows/x.yaml: flow "support", step "route", field "branch[0].when": needs exactly one of equals, in, startsWith, matches, exists',
      'flows/x.yaml: flow "support", step "route", field "branch[1].when.caller.matches": is not a valid regular expression',
      'flows/x.yaml: flow "support", step "route", field "branch[2].when.time.timeZone": is required when the flow has no hours.timeZone',
    ]);
  });

  it('checks collect lengths', () => {
    const problems = problemsOf(
      flowWith(
        '      account: { collect: { into: account, prompt: "Enter it", minLength: 9, maxLength: 8 }, next: bye }\n',
      )
        .replace('next: menu }', 'next: account }')
        .replace('onFail: bye', 'onFail: bye\n      z: { say: y, next: menu }'),
    );
    assert.ok(
      problems.includes(
        'flows/x.yaml: flow "support", step "account", field "collect.minLength": is more than maxLength',
      ),
      problems.join('\n'),
    );
  });

  it('rejects a say that both hangs up and goes on', () => {
    const problems = problemsOf(
      flowWith('').replace('bye: { say: Goodbye, hangup: true }', 'bye: { say: Goodbye, hangup: true, next: welcome }'),
    );
    assert.deepEqual(problems, [
      'flows/x.yaml: flow "support", step "bye", field "next": cannot be used with hangup: true',
    ]);
  });

  it('reports YAML syntax errors with the line', () => {
    const problems = problemsOf('flows:\n  support:\n    start: [unclosed\n');
    assert.match(problems[0], /^flows\/x\.yaml: line \d+: /);
  });

  it('reports a file without flows', () => {
    assert.deepEqual(problemsOf('hello: world\n'), [
      'flows/x.yaml: field "flows": is required: a map of flow name to flow',
    ]);
  });

  it('reports every problem in one pass, even with a broken flow header', () => {
    const problems = problemsOf(
      flowWith('').replace('start: welcome', 'start: 42').replace('"+18005550111"', '"nope"'),
    );
    assert.equal(problems.length, 2, problems.join('\n'));
  });
});

describe('loadFlows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flows-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads JSON files too', () => {
    const sub = mkdtempSync(join(dir, 'json-'));
    writeFileSync(
      join(sub, 'one.json'),
      JSON.stringify({ flows: { a: { numbers: ['+18005550100'], start: 's', steps: { s: { hangup: true } } } } }),
    );
    assert.deepEqual(Object.keys(loadFlows(sub).flows), ['a']);
  });

  it('rejects a number answered by flows in two files, naming the file', () => {
    const sub = mkdtempSync(join(dir, 'dup-'));
    const flow = (name: string) =>
      `flows:\n  ${name}:\n    numbers: ["+18005550100"]\n    start: s\n    steps:\n      s: { hangup: true }\n`;
    writeFileSync(join(sub, 'a.yaml'), flow('first'));
    writeFileSync(join(sub, 'b.yaml'), flow('second'));
    assert.throws(
      () => loadFlows(sub),
      (error: unknown) =>
        error instanceof ValidationError &&
        error.details.includes(
          `${join(sub, 'b.yaml')}: flow "second", field "numbers[0]": +18005550100 is already answered by flow "first"`,
        ),
    );
  });

  it('rejects the same flow name in two files', () => {
    const sub = mkdtempSync(join(dir, 'name-'));
    const flow = (n: string) =>
      `flows:\n  same:\n    numbers: ["${n}"]\n    start: s\n    steps:\n      s: { hangup: true }\n`;
    writeFileSync(join(sub, 'a.yml'), flow('+18005550100'));
    writeFileSync(join(sub, 'b.yml'), flow('+18005550101'));
    assert.throws(() => loadFlows(sub), /b\.yml: flow "same": is already defined in .*a\.yml/);
  });

  it('collects the problems of every file', () => {
    const sub = mkdtempSync(join(dir, 'bad-'));
    writeFileSync(join(sub, 'a.yaml'), 'flows:\n  a:\n    start: s\n    steps:\n      s: { hangup: false }\n');
    writeFileSync(
      join(sub, 'b.yaml'),
      'flows:\n  b:\n    start: s\n    steps:\n      s: { hangup: true }\n      t: { hangup: true }\n',
    );
    assert.throws(
      () => loadFlows(sub),
      (error: unknown) =>
        error instanceof ValidationError &&
        error.details.some((d) => d.startsWith(`${join(sub, 'a.yaml')}: flow "a", step "s", field "hangup"`)) &&
        error.details.some((d) => d.startsWith(`${join(sub, 'b.yaml')}: flow "b", step "t": is unreachable`)),
    );
  });

  it('says so when the path does not exist', () => {
    assert.throws(
      () => loadFlows(join(dir, 'missing')),
      (error: unknown) => error instanceof ValidationError && /no such flow file or folder/.test(error.message),
    );
  });

  it('rejects an empty folder', () => {
    const sub = mkdtempSync(join(dir, 'empty-'));
    assert.throws(() => loadFlows(sub), /no flow files/);
  });
});
