import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallAutomationClient } from '@azure/communication-call-automation';
import type { SmsClient } from '@azure/communication-sms';
import { createCallActivities } from '@switchboard/app/call/activities';
import { ActivityNames } from '@switchboard/app/call/names';
import type { Config } from '@switchboard/app/config';
import { ValidationError } from '@switchboard/core/errors';
import { testSeal } from './scriptedAcs';

/** The activities over a recording fake of the Call Automation and SMS clients, allowing +1 only. */
function activities() {
  const requests: { operation: string; target?: unknown }[] = [];
  const connection = {
    transferCallToParticipant: (target: unknown) =>
      Promise.resolve(void requests.push({ operation: 'transfer', target })),
    addParticipant: (options: { targetParticipant: unknown }) =>
      Promise.resolve(void requests.push({ operation: 'addParticipant', target: options.targetParticipant })),
    getCallMedia: () => ({
      startRecognizing: (target: unknown) => Promise.resolve(void requests.push({ operation: 'recognize', target })),
    }),
  };
  const client = {
    getCallConnection: () => connection,
    createCall: (options: { targetParticipant: unknown }) => {
      requests.push({ operation: 'createCall', target: options.targetParticipant });
      return Promise.resolve({ callConnectionProperties: { callConnectionId: 'conn-1' } });
    },
  } as unknown as CallAutomationClient;
  const sms = {
    send: (message: { to: string[] }) => {
      requests.push({ operation: 'sms', target: message.to[0] });
      return Promise.resolve([{ successful: true, messageId: 'sms-1' }]);
    },
  } as unknown as SmsClient;
  const config = { api: { allowedPrefixes: ['+1'] }, callbackBaseUrl: 'https://app.example' } as unknown as Config;
  const handlers = createCallActivities({
    config,
    client,
    sms,
    callbackSecret: () => Promise.resolve('secret'),
    activeCalls: { remove: () => Promise.resolve() },
    promptsSent: { first: () => Promise.resolve(true), release: () => Promise.resolve() },
    connectionOf: () => Promise.resolve(undefined),
    open: (value) => testSeal.open(value),
    liveCalls: { add: () => Promise.resolve() },
  });
  const run = (name: string, input: unknown) =>
    (handlers as Record<string, (i: never) => Promise<unknown>>)[name](input as never);
  return { run, requests };
}

const operation = { callConnectionId: 'conn-1', operationContext: 'step:1' };

describe('the call activities that reach people', () => {
  it('refuses to dial, transfer to or add a number outside OUTBOUND_ALLOWED_PREFIXES, sending nothing to ACS', async () => {
    const { run, requests } = activities();
    const abroad = '+33612345678';
    const refusals = [
      run(ActivityNames.createCall, {
        callId: 'c1',
        target: await testSeal.seal(abroad),
        sourceCallerId: '+18005550100',
      }),
      run(ActivityNames.transfer, { ...operation, target: abroad }),
      run(ActivityNames.addParticipant, { ...operation, target: `4:${abroad}`, invitationTimeoutSeconds: 30 }),
    ];
    for (const refused of refusals)
      await assert.rejects(refused, (error: Error) => {
        assert.ok(error instanceof ValidationError);
        assert.match(error.message, /OUTBOUND_ALLOWED_PREFIXES/);
        assert.doesNotMatch(error.message, /612345678/, 'the number stays out of the message');
        return true;
      });
    assert.equal(requests.length, 0);

    await run(ActivityNames.transfer, { ...operation, target: '+18005550111' });
    await run(ActivityNames.transfer, { ...operation, target: '8:acs:agent-1' });
    assert.deepEqual(
      requests.map((r) => r.operation),
      ['transfer', 'transfer'],
      'an allowed number and an ACS user are transferred to',
    );
  });

  it('opens a sealed caller only inside the activity: recognizes and texts the real number, texts no ACS user', async () => {
    const { run, requests } = activities();
    const caller = await testSeal.seal('4:+14255550123');
    await run(ActivityNames.recognize, {
      ...operation,
      inputType: 'dtmf',
      targetParticipant: caller,
      prompts: [],
      interruptPrompt: true,
      initialSilenceTimeoutSeconds: 5,
      dtmf: { maxTones: 1, stopTones: [], interToneTimeoutSeconds: 2 },
    });
    const sms = { from: '+18005550100', message: 'hi', tag: 'flow/step' };
    assert.deepEqual(await run(ActivityNames.sendSms, { ...sms, to: caller }), { sent: true, messageId: 'sms-1' });
    const acsUser = await testSeal.seal('8:acs:someone');
    assert.deepEqual(await run(ActivityNames.sendSms, { ...sms, to: acsUser }), { sent: false });
    assert.deepEqual(
      requests.map((r) => [r.operation, (r.target as { phoneNumber?: string }).phoneNumber ?? r.target]),
      [
        ['recognize', '+14255550123'],
        ['sms', '+14255550123'],
      ],
    );
  });
});
