import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createCallSession, type CallSessionOptions } from '../../../shared/callflow/callSession';
import { STEPS_PER_GENERATION } from '../../../shared/callflow/callFlowRun';
import { ActivityNames, CallEvents } from '../../../shared/callflow/names';
import { loadFlows } from '../../../shared/flows/loadFlows';
import { parseFlowFile } from '../../../shared/flows/parseFlowFile';
import { EventType } from '../../../sandbox/host/durable/historyEvent';
import { runCallFlow, type RaisedEvent } from './callFlowWorld';
import { acs, type Script } from './scriptedAcs';

// The call's orchestration before its flow runs, through the local host's Durable engine: an inbound call
// waits for CallConnected, a placed call asks ACS to dial first; either ends "not-connected" with the reason
// when the call never connects. And after it: a long call continues as new without losing where it stands.

const contoso = loadFlows(join(__dirname, '..', '..', '..', '..', 'flows', 'contoso.yaml'));
const START = new Date('2026-11-18T15:00:00Z');

function session(overrides: Partial<CallSessionOptions> = {}) {
  return createCallSession({
    callId: 'call-1',
    direction: 'inbound',
    callerId: '+12125550123',
    dialled: '+18005550100',
    flowName: 'mainLine',
    flow: contoso.flows.mainLine,
    startStep: 'afterHours',
    serverCallId: 'server-1',
    ...overrides,
  });
}

async function call(options: Partial<CallSessionOptions>, script: Script, events: RaisedEvent[] = []) {
  const run = await runCallFlow(session(options), acs(script), { start: START, events });
  assert.equal(run.openTimers, 0, 'every durable timer fired or was cancelled');
  return { ...run, names: run.calls.map((c) => c.name) };
}

const notConnected = (reason: string) => ({
  outcome: 'not-connected',
  reason,
  lastStep: '',
  stepsTaken: 0,
  variables: {},
});
const release = { flow: 'mainLine', callId: 'call-1' };

describe("the call orchestration's connect phase", () => {
  it('waits for CallConnected, then runs the flow on the connection the event names', async () => {
    const run = await call({}, {}, [
      { name: CallEvents.callConnected, data: { callConnectionId: 'conn-7', serverCallId: 'server-7' } },
    ]);
    const recording = run.calls.find((c) => c.name === ActivityNames.startRecording);
    assert.equal(recording?.input.serverCallId, 'server-7');
    const onConnection = run.calls.filter((c) => c.input.callConnectionId !== undefined);
    assert.ok(onConnection.length >= 3, 'plays and the hang-up name the call connection');
    assert.deepEqual(new Set(onConnection.map((c) => c.input.callConnectionId)), new Set(['conn-7']));
    assert.equal((run.output as { outcome: string }).outcome, 'completed');
  });

  it('ends as not-connected (failed) when answering fails, and gives its place in the capped flow back', async () => {
    const run = await call({}, {}, [{ name: CallEvents.answerFailed, data: { resultInformation: { code: 500 } } }]);
    assert.deepEqual(run.output, notConnected('failed'));
    assert.deepEqual(run.names, [ActivityNames.releaseCall]);
    assert.deepEqual(run.calls[0].input, release);
  });

  it('ends as not-connected (caller-hung-up) when the caller hangs up before the call connects', async () => {
    const run = await call({}, {}, [{ name: CallEvents.callDisconnected, data: {} }]);
    assert.deepEqual(run.output, notConnected('caller-hung-up'));
    assert.deepEqual(run.names, [ActivityNames.releaseCall]);
  });

  it('gives up a call that never connects when its durable connect timer fires a minute later', async () => {
    const run = await call({}, {});
    assert.deepEqual(run.output, notConnected('timeout'));
    const fired = run.history.filter((e) => e.EventType === EventType.TimerFired);
    assert.deepEqual(
      fired.map((e) => e.FireAt),
      ['2026-11-18T15:01:00.000Z'],
    );
    assert.deepEqual(run.names, [ActivityNames.releaseCall]);
  });

  it('places an outbound call from the dialled number, then runs the flow once the callee answers', async () => {
    const run = await call(
      {
        direction: 'outbound',
        flowName: 'appointmentReminder',
        startStep: undefined,
        flow: contoso.flows.appointmentReminder,
      },
      {
        turns: [{ press: '2' }],
      },
    );
    assert.deepEqual(run.calls[0], {
      name: ActivityNames.createCall,
      input: { callId: 'call-1', target: '+12125550123', sourceCallerId: '+18005550100' },
    });
    assert.equal(run.calls[1].input.callConnectionId, 'conn-1');
    assert.deepEqual((run.output as { lastStep: string }).lastStep, 'reschedule');
    assert.ok(!run.names.includes(ActivityNames.releaseCall), 'only inbound calls hold a place in a capped flow');
  });

  it('ends a placed call as not-connected (no-answer) when the callee does not answer', async () => {
    const run = await call({ direction: 'outbound' }, { callee: 'does-not-answer' });
    assert.deepEqual(run.output, notConnected('no-answer'));
    assert.deepEqual(run.names, [ActivityNames.createCall]);
  });

  it('ends a placed call as not-connected (failed) when ACS refuses to place it', async () => {
    const run = await call({ direction: 'outbound' }, { failing: { [ActivityNames.createCall]: 1 } });
    assert.deepEqual(run.output, notConnected('failed'));
    assert.deepEqual(run.names, [ActivityNames.createCall]);
  });

  it("waits for a placed call's ring time plus the connect minute before it gives up", async () => {
    const run = await call({ direction: 'outbound', ringTimeoutSeconds: 30 }, { callee: 'nothing' });
    assert.deepEqual(run.output, notConnected('timeout'));
    const fired = run.history.filter((e) => e.EventType === EventType.TimerFired);
    assert.deepEqual(
      fired.map((e) => e.FireAt),
      ['2026-11-18T15:01:30.000Z'],
    );
  });
});

describe('a long call', () => {
  it('continues as new between steps and keeps its connection, variables and operation contexts', async () => {
    const steps = STEPS_PER_GENERATION * 2 + 10;
    const looping = parseFlowFile(
      `flows:\n  loop:\n    maxSteps: ${steps}\n    variables: { team: blue }\n    start: a\n    steps:\n      a: { say: "A {{team}}", next: b }\n      b: { say: B, next: a }\n`,
      'loop.yaml',
    ).flows.loop;
    const run = await call({ flowName: 'loop', flow: looping, startStep: undefined }, {}, [
      { name: CallEvents.callConnected, data: { callConnectionId: 'conn-1', serverCallId: 'server-1' } },
    ]);
    assert.deepEqual(run.output, {
      outcome: 'step-limit',
      lastStep: 'a',
      stepsTaken: steps,
      variables: { team: 'blue' },
    });
    const plays = run.calls.filter((c) => c.name === ActivityNames.play);
    assert.equal(plays.length, steps);
    assert.deepEqual(new Set(plays.map((p) => p.input.callConnectionId)), new Set(['conn-1']));
    assert.deepEqual(
      plays.map((p) => p.input.operationContext),
      plays.map((_, i) => `${i % 2 === 0 ? 'a' : 'b'}:${i + 1}`),
      'operation contexts keep counting across generations',
    );
    assert.deepEqual(
      plays.at(-2)?.input.sources?.map((s) => s.kind === 'text' && s.text),
      ['A blue'],
    );
    // The history the engine holds is the third generation's: it started from the progress the second handed on.
    const started = run.history.find((e) => e.EventType === EventType.ExecutionStarted);
    const input = JSON.parse(String(started?.Input)) as {
      callConnectionId?: string;
      progress?: { stepsTaken: number };
    };
    assert.equal(input.progress?.stepsTaken, STEPS_PER_GENERATION * 2);
    assert.equal(input.callConnectionId, 'conn-1');
  });
});
