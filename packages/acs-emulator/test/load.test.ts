import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CallAutomationClient } from '@azure/communication-call-automation';
import { answerIncomingCall, startFixture, type Fixture } from './support/fixtures';

const CALLS = 40;

describe('many calls at once', () => {
  let fx: Fixture;
  let client: CallAutomationClient;

  before(async () => {
    // A delivery that times out lets the next callback overtake it: give a loaded machine time to answer.
    fx = await startFixture({ deliveryTimeoutMs: 30_000 });
    client = new CallAutomationClient(fx.acs.connectionString);
  });
  after(() => fx.close());

  it(`answers, plays to and hangs up ${CALLS} simultaneous calls, each with its own callbacks in order`, async () => {
    const started = Date.now();
    const calls = await Promise.all(
      Array.from({ length: CALLS }, (_, i) =>
        answerIncomingCall(fx, client, {}, fx.callbacks.url, `+1425555${String(1000 + i)}`),
      ),
    );
    await Promise.all(
      calls.map((c) =>
        c.connection
          .getCallMedia()
          .playToAll([{ kind: 'textSource', text: 'Hello' }], { operationContext: c.callConnectionId }),
      ),
    );
    await Promise.all(calls.map((c) => fx.callbacks.waitFor('PlayCompleted', c.callConnectionId)));
    await Promise.all(calls.map((c) => c.connection.hangUp(true)));
    await Promise.all(calls.map((c) => fx.callbacks.waitFor('CallDisconnected', c.callConnectionId)));
    for (const c of calls) {
      assert.deepEqual(fx.callbacks.kinds(c.callConnectionId), [
        'CallConnected',
        'ParticipantsUpdated',
        'PlayStarted',
        'PlayCompleted',
        'CallDisconnected',
      ]);
      for (const e of fx.callbacks.events(c.callConnectionId).filter((e) => e.kind.startsWith('Play'))) {
        assert.equal(
          (e as { operationContext?: string }).operationContext,
          c.callConnectionId,
          'no crossed wires between calls',
        );
      }
    }
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 30_000, `${CALLS} calls took ${elapsed} ms`);
  });
});
