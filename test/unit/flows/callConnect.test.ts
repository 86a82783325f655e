import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createCallSession, type CallSessionOptions } from '@switchboard/app/call/callSession';
import { STEPS_PER_GENERATION } from '@switchboard/app/call/callFlowRun';
import { ActivityNames, CallEvents } from '@switchboard/app/call/names';
import { loadFlows } from '@switchboard/app/flows/loadFlows';
import { parseFlowFile } from '@switchboard/app/flows/parseFlowFile';
import { EventType } from '@switchboard/functions-host/durable/historyEvent';
import { runCallFlow, type HistoryEvent, type RaisedEvent } from './callFlowWorld';
import { acs, type Script } from './scriptedAcs';

// The call's orchestration before its flow runs, through the local host's Durable engine: an inbound call
// waits for CallConnected, a placed call asks ACS to dial first; either ends "not-connected" with the reason
// when the call never connects. And after it: a long call continues as new without losing where it stands.

const contoso = loadFlows(join(__dirname, '..', '..', '..', '..', 'packages', 'app', 'flows', 'contoso.yaml'));
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

/** When the run's durable timers fired (UTC time of day). */
function firedAt(run: { history: HistoryEvent[] }): string[] {
  return run.history.filter((e) => e.EventType === EventType.TimerFired).map((e) => String(e.FireAt).slice(11, 19));
}

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

  it('asks ACS every 15 s for a call whose answer never returned, and gives it up a minute later', async () => {
    const run = await call({}, {});
    assert.deepEqual(run.output, notConnected('timeout'));
    assert.deepEqual(firedAt(run), ['15:00:15', '15:00:30', '15:00:45', '15:01:00']);
    const checks = run.calls.filter((c) => c.name === ActivityNames.getCallConnection);
    assert.deepEqual(
      checks.map((c) => c.input),
      Array.from({ length: 4 }, () => ({ callId: 'call-1' })),
    );
    assert.ok(!run.names.includes(ActivityNames.hangUp), 'no connection is known: nothing to hang up');
    assert.equal(run.names.at(-1), ActivityNames.releaseCall);
  });

  it('runs the flow when CallConnected is lost but ACS says the call is connected, 15 s after it started', async () => {
    const run = await call({}, { acsSays: ['connected'] });
    assert.deepEqual(firedAt(run).slice(0, 1), ['15:00:15']);
    assert.equal(run.names[0], ActivityNames.getCallConnection);
    const plays = run.calls.filter((c) => c.name === ActivityNames.play);
    assert.ok(plays.length > 0, 'the caller hears the flow');
    assert.deepEqual(new Set(plays.map((c) => c.input.callConnectionId)), new Set(['conn-1']));
    assert.equal((run.output as { outcome: string }).outcome, 'completed');
  });

  it('waits while ACS says the call is still connecting, and runs the flow once it says connected', async () => {
    const run = await call({}, { acsSays: ['unanswered', 'connecting', 'connected'] });
    assert.deepEqual(firedAt(run).slice(0, 3), ['15:00:15', '15:00:30', '15:00:45']);
    assert.equal((run.output as { outcome: string }).outcome, 'completed');
  });

  it('hangs up a call ACS is still connecting a minute later and ends it as not-connected (timeout)', async () => {
    const run = await call({}, { acsSays: ['connecting'] });
    assert.deepEqual(run.output, notConnected('timeout'));
    assert.deepEqual(firedAt(run), ['15:00:15', '15:00:30', '15:00:45', '15:01:00']);
    const hangUps = run.calls.filter((c) => c.name === ActivityNames.hangUp);
    assert.deepEqual(
      hangUps.map((c) => c.input),
      [{ callConnectionId: 'conn-1', forEveryone: true }],
    );
    assert.ok(!run.names.includes(ActivityNames.play), 'the flow never ran');
  });

  it('ends as not-connected (ended) at once when ACS no longer knows the call', async () => {
    const run = await call({}, { acsSays: ['gone'] });
    assert.deepEqual(run.output, notConnected('ended'));
    assert.deepEqual(run.names, [ActivityNames.getCallConnection, ActivityNames.releaseCall]);
  });

  it('keeps waiting when asking ACS fails, and carries on when the next answer says connected', async () => {
    const run = await call({}, { failing: { [ActivityNames.getCallConnection]: 1 }, acsSays: ['connected'] });
    assert.deepEqual(firedAt(run).slice(0, 2), ['15:00:15', '15:00:30']);
    assert.equal((run.output as { outcome: string }).outcome, 'completed');
  });

  it('checks and gives up on the timings the session carries (config.callConnect)', async () => {
    const run = await call({ connect: { checkSeconds: 2, timeoutSeconds: 5 } }, { acsSays: ['connecting'] });
    assert.deepEqual(run.output, notConnected('timeout'));
    assert.deepEqual(firedAt(run), ['15:00:02', '15:00:04', '15:00:05']);
    assert.ok(run.names.includes(ActivityNames.hangUp));
  });

  it('ignores the check when CallConnected arrives while ACS is being asked', async () => {
    const run = await call({}, { acsSays: ['connecting'], connectedDuringCheck: true });
    assert.equal((run.output as { outcome: string }).outcome, 'completed');
    assert.deepEqual(
      run.calls.filter((c) => c.name === ActivityNames.getCallConnection).length,
      1,
      'asked once, then the event came',
    );
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

  it("waits for a placed call's ring time before asking ACS, and hangs it up after the connect minute", async () => {
    const run = await call(
      { direction: 'outbound', ringTimeoutSeconds: 30 },
      { callee: 'nothing', acsSays: ['connecting'] },
    );
    assert.deepEqual(run.output, notConnected('timeout'));
    assert.deepEqual(firedAt(run), ['15:00:45', '15:01:00', '15:01:15', '15:01:30']);
    const checks = run.calls.filter((c) => c.name === ActivityNames.getCallConnection);
    assert.ok(
      checks.every((c) => c.input.callConnectionId === 'conn-1'),
      "asks about createCall's connection",
    );
    assert.deepEqual(run.calls.at(-1), {
      name: ActivityNames.hangUp,
      input: { callConnectionId: 'conn-1', forEveryone: true },
    });
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
