import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFlows } from '@switchboard/app/flows/loadFlows';
import { ValidationError } from '@switchboard/core/errors';

// The flow files' `messaging` section and a flow's `followUp`, as loadFlows validates them at start-up.

const call = (followUp: string) =>
  `flows:\n  line:\n    numbers: ["+18005550100"]\n    ${followUp}\n    start: s\n    steps:\n      s: { hangup: true }\n`;
const agent = (body: string) => `flows: {}\nmessaging:\n  care:\n    instructions: Be brief.\n${body}`;

describe('a messaging definition in the flow files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'messaging-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const problemsOf = (files: Record<string, string>): string[] => {
    const sub = mkdtempSync(join(dir, 'set-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(sub, name), text);
    try {
      loadFlows(sub);
      return [];
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return error.details.map((d) => d.replace(`${sub}/`, ''));
    }
  };

  it('loads a call flow whose follow-up names an agent in another file', () => {
    assert.deepEqual(
      problemsOf({
        'calls.yaml': call('followUp: { agent: care, channel: sms }'),
        'agents.yaml': agent('    numbers: ["+18005550800"]\n'),
      }),
      [],
    );
  });

  it('names the file, agent and field of a wrong agent definition', () => {
    assert.deepEqual(
      problemsOf({
        'agents.yaml': agent(
          '    numbers: ["+18005550800"]\n    limits: { sms: { maxSegments: 0 } }\n    tone: warm\n',
        ),
      }),
      [
        'agents.yaml: messaging agent "care", field "limits.sms.maxSegments": Too small: expected number to be >=1',
        'agents.yaml: messaging agent "care", field "tone": is not a known field',
      ],
    );
  });

  it('rejects a follow-up from an agent that does not exist, or that cannot send on its channel', () => {
    assert.deepEqual(
      problemsOf({
        'calls.yaml': call('followUp: { agent: sales, channel: sms }'),
        'agents.yaml': agent('    numbers: ["+18005550800"]\n'),
      }),
      ['calls.yaml: flow "line", field "followUp.agent": refers to messaging agent "sales", which does not exist'],
    );
    assert.deepEqual(
      problemsOf({
        'calls.yaml': call('followUp: { agent: care, channel: whatsapp }'),
        'agents.yaml': agent('    numbers: ["+18005550800"]\n'),
      }),
      ['calls.yaml: flow "line", field "followUp.agent": messaging agent "care" has no whatsapp channel'],
    );
  });
});
