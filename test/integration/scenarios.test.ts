import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSwitchboard, type SwitchboardSandbox } from '../support/switchboardSandbox';
import { fixture } from '../support/paths';
import { loadScenario, runScenario } from '@switchboard/sandbox/scenarios/runScenario';

describe('scenario files scripting callers against the app', () => {
  let sb: SwitchboardSandbox;

  before(async () => {
    sb = await startSwitchboard({ acs: { timeScale: 0.05, ringTimeoutMs: 20_000, answerDelayMs: 100 } });
  });
  after(async () => {
    await sb?.stop();
  });

  for (const file of ['billing-by-keypad.yaml', 'sales-by-voice.yaml', 'billing-busy-voicemail.yaml']) {
    it(`passes "${file}"`, async () => {
      const result = await runScenario(loadScenario(fixture('scenarios', file)), sb.acs.control);
      assert.ok(result.passed, `step ${result.failure?.step}: ${result.failure?.message}`);
    });
  }

  it('fails a scenario whose expectation the call does not meet, naming the step', async () => {
    const result = await runScenario(loadScenario(fixture('scenarios', 'wrong-expectation.yaml')), sb.acs.control);
    assert.equal(result.passed, false);
    assert.equal(result.failure?.step, 5);
    assert.match(result.failure.message, /connected to \+18005550199, but it is connected to 4:\+18005550111/);
  });

  it('refuses an invalid scenario file, naming the file, the step and the field', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sb-scenario-')), 'bad.yaml');
    writeFileSync(
      path,
      'name: bad\nfrom: "+14255550123"\nto: "12345"\nsteps:\n  - press: "1x"\n  - expect: { request: a, event: b }\n',
    );
    assert.throws(
      () => loadScenario(path),
      (error: Error) => {
        assert.match(error.message, /bad\.yaml: field "to": must be an E\.164 number/);
        assert.match(error.message, /bad\.yaml: step 1.*keypad keys|bad\.yaml: step 1/);
        assert.match(
          error.message,
          /bad\.yaml: step 2.*exactly one of request, event, world, eventGrid|bad\.yaml: step 2/,
        );
        return true;
      },
    );
  });
});
