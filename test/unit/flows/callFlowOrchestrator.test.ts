import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createCallSession } from '@switchboard/app/call/callSession';
import { ActivityNames, CallEvents } from '@switchboard/app/call/names';
import type { CallFlowInput, CallFlowOutput } from '@switchboard/app/call/types';
import type { FlowSet } from '@switchboard/app/flows/flowSchema';
import { loadFlows } from '@switchboard/app/flows/loadFlows';
import { parseFlowFile } from '@switchboard/app/flows/parseFlowFile';
import { type ActivityCall, type HistoryEvent, replayCallFlow, runCallFlow } from './callFlowWorld';
import { acs, testSeal, type Script } from './scriptedAcs';

const contoso: FlowSet = loadFlows(join(__dirname, '..', '..', '..', '..', 'packages', 'app', 'flows', 'contoso.yaml'));

function callInput(flowName: string, overrides: Partial<CallFlowInput> = {}): CallFlowInput {
  return {
    callConnectionId: 'conn-1',
    serverCallId: 'server-1',
    callerId: '+12125550123',
    dialled: '+18005550100',
    flowName,
    flow: contoso.flows[flowName],
    ...overrides,
  };
}

/** A call's session as the incoming-call handler builds it; the connection arrives with CallConnected. */
function sessionOf(input: CallFlowInput) {
  return createCallSession({
    callId: 'call-1',
    direction: 'inbound',
    callerId: input.callerId,
    dialled: input.dialled,
    flowName: input.flowName,
    flow: input.flow,
    startStep: input.startStep,
    variables: input.variables,
    serverCallId: input.serverCallId,
  });
}

const connected = (input: CallFlowInput) => ({
  name: CallEvents.callConnected,
  data: { callConnectionId: input.callConnectionId, serverCallId: input.serverCallId },
});

/** Runs the whole call orchestration (connect phase, flow, release) through the local host's Durable engine. */
async function runCall(input: CallFlowInput, script: Script, start?: Date) {
  const run = await runCallFlow(sessionOf(input), acs(script), { start, events: [connected(input)] });
  assert.equal(run.openTimers, 0, 'every durable timer fired or was cancelled');
  // A flow that caps its calls in progress gives its place back when the call ends, as the last step.
  const capped = input.flow.overflow?.maxActiveCalls !== undefined;
  assert.equal(run.calls.at(-1)?.name === ActivityNames.releaseCall, capped, 'released exactly when capped');
  const calls = capped ? run.calls.slice(0, -1) : run.calls;
  return { run, output: run.output as CallFlowOutput, names: calls.map((c) => c.name), calls };
}

const textOf = (call: ActivityCall) =>
  (call.input.sources ?? call.input.prompts ?? []).map(
    (s: { text?: string; ssml?: string; url?: string }) => s.text ?? s.ssml ?? s.url,
  );

/** The connect phase as history: the race for CallConnected (its timeout timer is task 0), then CallConnected. */
function connectedHistory(at: string): HistoryEvent[] {
  const input = callInput('mainLine');
  const session = JSON.stringify(sessionOf(input));
  return [
    { EventType: 12, EventId: -1, IsPlayed: false, Timestamp: at },
    { EventType: 0, EventId: -1, IsPlayed: false, Timestamp: at, Name: 'callFlow', Input: session, Version: '' },
    { EventType: 10, EventId: 0, IsPlayed: false, Timestamp: at, FireAt: '2026-11-18T15:01:00.000Z' },
    { EventType: 13, EventId: -1, IsPlayed: false, Timestamp: at },
    { EventType: 12, EventId: -1, IsPlayed: false, Timestamp: at },
    {
      EventType: 15,
      EventId: -1,
      IsPlayed: false,
      Timestamp: at,
      Name: 'CallConnected',
      Input: JSON.stringify(connected(input).data),
    },
  ];
}

describe('the call-flow orchestration', () => {
  it('schedules the first prompt raced against its outcome events and a hang-up (prepared history)', async () => {
    const history = connectedHistory('2026-11-18T15:00:00.000Z');
    const state = await replayCallFlow(history, sessionOf(callInput('mainLine')));
    assert.equal(state.isDone, false);
    const [connect, whenAny] = state.actions[0];
    assert.equal(connect.actionType, 11, 'first, the race for CallConnected');
    assert.equal(whenAny.actionType, 11);
    const [play, ...waits] = whenAny.compoundActions ?? [];
    assert.equal(play.functionName, 'ca.play');
    assert.deepEqual(play.input, {
      callConnectionId: 'conn-1',
      operationContext: 'welcome:1',
      sources: [
        {
          kind: 'text',
          text: 'Thanks for calling Contoso. This call may be recorded for quality.',
          voiceName: 'en-US-AvaMultilingualNeural',
          locale: 'en-US',
        },
      ],
    });
    assert.deepEqual(
      waits.map((w) => w.externalEventName),
      ['PlayCompleted', 'PlayFailed', 'PlayCanceled', 'CallDisconnected'],
    );
    assert.deepEqual(state.customStatus, { step: 'welcome', stepsTaken: 1, variables: {}, path: ['welcome'] });
  });

  it('waits for PlayCompleted with a durable timer once the play request is accepted (prepared history)', async () => {
    const t0 = '2026-11-18T15:00:00.000Z';
    const t1 = '2026-11-18T15:00:01.000Z';
    const history: HistoryEvent[] = [
      ...connectedHistory(t0),
      { EventType: 4, EventId: 1, IsPlayed: false, Timestamp: t0, Name: 'ca.play' },
      { EventType: 13, EventId: -1, IsPlayed: false, Timestamp: t0 },
      { EventType: 12, EventId: -1, IsPlayed: false, Timestamp: t1 },
      { EventType: 5, EventId: -1, IsPlayed: false, Timestamp: t1, TaskScheduledId: 1, Result: 'null' },
    ];
    const state = await replayCallFlow(history, sessionOf(callInput('mainLine')));
    const second = state.actions[0][2];
    const timer = (second.compoundActions ?? []).find((a) => a.actionType === 5);
    assert.ok(timer, 'a durable timer is part of the race');
    assert.equal(
      new Date(timer.fireAt as string).toISOString(),
      '2026-11-18T15:05:01.000Z',
      'five minutes after the request, by orchestration time',
    );
  });

  it('routes key 1 to billing, collects the account number and transfers with an announcement', async () => {
    const { output, names, calls, run } = await runCall(callInput('mainLine'), {
      turns: [{ press: '1' }, { press: '12345678#' }],
    });
    assert.deepEqual(output, {
      outcome: 'transferred',
      lastStep: 'billing',
      stepsTaken: 5,
      variables: { department: 'billing', accountNumber: '********' },
    });
    assert.deepEqual(names, ['ca.play', 'ca.recognize', 'ca.recognize', 'ca.play', 'ca.transfer']);
    const menu = calls[1].input;
    assert.equal(menu.inputType, 'speechOrDtmf');
    assert.equal(menu.targetParticipant, '+12125550123');
    assert.equal(menu.initialSilenceTimeoutSeconds, 6);
    assert.equal(menu.interruptPrompt, true);
    assert.deepEqual(menu.dtmf, { maxTones: 1, stopTones: [], interToneTimeoutSeconds: 2 });
    const account = calls[2].input;
    assert.deepEqual(account.dtmf, { maxTones: 8, stopTones: ['pound'], interToneTimeoutSeconds: 4 });
    assert.deepEqual(textOf(calls[3]), ['Connecting you to billing.']);
    assert.deepEqual(calls[4].input, {
      callConnectionId: 'conn-1',
      operationContext: 'billing:5',
      target: '+18005550111',
      sourceCallerId: '+18005550100',
    });
    const statuses = JSON.stringify(run.customStatuses);
    assert.ok(!statuses.includes('12345678'), 'custom status never shows the digits');
  });

  it('re-prompts after a silent caller, then transfers', async () => {
    const { output, calls } = await runCall(callInput('mainLine'), {
      turns: ['silence', { press: '1' }, { press: '87654321' }],
    });
    assert.equal(output.outcome, 'transferred');
    const [first, second] = calls.filter((c) => c.name === ActivityNames.recognize);
    assert.equal(textOf(first).length, 1);
    assert.deepEqual(textOf(second), ["Sorry, I didn't hear anything.", textOf(first)[0]]);
    assert.notEqual(first.input.operationContext, second.input.operationContext);
  });

  it('plays the no-match prompt after a wrong key, then understands "sales" by speech', async () => {
    const { output, calls } = await runCall(callInput('mainLine'), {
      turns: [{ press: '9' }, { speak: 'Sales, please.' }],
    });
    assert.deepEqual(output.variables, { department: 'sales' });
    const reprompt = calls.filter((c) => c.name === ActivityNames.recognize)[1];
    assert.equal(textOf(reprompt)[0], "Sorry, I didn't get that.");
    const transfer = calls.find((c) => c.name === ActivityNames.transfer);
    assert.equal(
      transfer?.input.target,
      '8:acs:00000000-0000-0000-0000-000000000001_00000000-0000-0000-0000-000000000002',
    );
    assert.equal(transfer?.input.sourceCallerId, undefined, 'no PSTN caller id for an ACS user');
  });

  it('picks a choice by its label', async () => {
    const { output } = await runCall(callInput('mainLine'), { turns: [{ choose: 'support' }] });
    assert.equal(output.outcome, 'transferred');
    assert.equal(output.lastStep, 'supportAgent');
  });

  it('after silence three times hands the caller to the voice agent, which hands over to a person', async () => {
    const { output, calls } = await runCall(callInput('mainLine'), {
      turns: ['silence', 'silence', 'silence'],
      agent: 'handoff',
    });
    assert.deepEqual(
      calls.map((c) => c.name),
      [
        'ca.play',
        'ca.recognize',
        'ca.recognize',
        'ca.recognize',
        'ca.startMediaStreaming',
        'ca.stopMediaStreaming',
        'ca.play',
        'ca.transfer',
      ],
    );
    const start = calls[4].input;
    assert.equal(start.agent?.flowName, 'mainLine');
    assert.equal(start.agent?.step, 'assistant');
    assert.match(start.agent?.instructions ?? '', /Contoso's support assistant/);
    assert.deepEqual(output, { outcome: 'transferred', lastStep: 'supportAgent', stepsTaken: 5, variables: {} });
  });

  it('says goodbye when the voice agent ends the conversation', async () => {
    const { output, names } = await runCall(callInput('mainLine', { startStep: 'assistant' }), { agent: 'ended' });
    assert.deepEqual(names, ['ca.startMediaStreaming', 'ca.stopMediaStreaming', 'ca.play', 'ca.hangUp']);
    assert.equal(output.outcome, 'completed');
  });

  it('falls back when media streaming cannot start', async () => {
    const { output } = await runCall(callInput('mainLine', { startStep: 'assistant' }), { agent: 'fail' });
    assert.equal(output.lastStep, 'supportAgent');
  });

  it('falls back when the transfer target does not answer, then takes a voicemail until the caller hangs up', async () => {
    const { output, names, calls } = await runCall(callInput('mainLine'), {
      turns: [{ press: '1' }, { press: '12345678' }],
      transfer: ['no-answer'],
      hangUpDuring: { name: ActivityNames.startRecording },
    });
    assert.deepEqual(names, [
      'ca.play',
      'ca.recognize',
      'ca.recognize',
      'ca.play',
      'ca.transfer',
      'ca.play',
      'ca.play',
      'ca.startRecording',
    ]);
    assert.deepEqual(textOf(calls[5]), ['Our billing team is busy right now. Please leave a message after the tone.']);
    assert.equal(calls[7].input.serverCallId, 'server-1');
    assert.equal(output.outcome, 'caller-hung-up');
    assert.equal(output.lastStep, 'voicemail');
  });

  it('falls back at once when the transfer fails, and adds a participant on the sales fallback', async () => {
    const { output, names, calls } = await runCall(callInput('mainLine'), {
      turns: [{ press: '2' }],
      transfer: ['fail'],
    });
    assert.deepEqual(names, [
      'ca.play',
      'ca.recognize',
      'ca.play',
      'ca.transfer',
      'ca.play',
      'ca.addParticipant',
      'ca.play',
      'ca.hangUp',
    ]);
    assert.deepEqual(calls[4].input.sources, [{ kind: 'file', url: 'https://contoso.example/audio/please-hold.wav' }]);
    assert.equal(calls[5].input.target, '+18005550122');
    assert.equal(calls[5].input.invitationTimeoutSeconds, 30);
    assert.equal(output.outcome, 'completed');
  });

  it('goes to the error step when the menu prompt cannot be played (RecognizeFailed 8511)', async () => {
    const { output } = await runCall(callInput('mainLine'), { turns: [{ failWith: 8511 }] });
    assert.deepEqual([output.outcome, output.lastStep], ['completed', 'apology']);
  });

  it('counts an unrecognised phrase (8547) as a no-match', async () => {
    const { calls } = await runCall(callInput('mainLine'), { turns: [{ failWith: 8547 }, { press: '2' }] });
    assert.equal(textOf(calls.filter((c) => c.name === ActivityNames.recognize)[1])[0], "Sorry, I didn't get that.");
  });

  it('goes to the fallback step when adding a participant fails', async () => {
    const { output, names } = await runCall(callInput('mainLine', { startStep: 'salesCallback' }), {
      addParticipant: 'fail',
      hangUpDuring: { name: ActivityNames.startRecording },
    });
    assert.deepEqual(names, ['ca.play', 'ca.addParticipant', 'ca.play', 'ca.startRecording']);
    assert.equal(output.lastStep, 'voicemail');
  });

  it('takes the error path when a transfer without fallback is refused', async () => {
    const flow = parseFlowFile(
      'flows:\n  t:\n    onError: sorry\n    start: go\n    steps:\n      go: { transfer: "+18005550111" }\n      sorry: { say: Sorry, hangup: true }\n',
      't.yaml',
    ).flows.t;
    const { output, names } = await runCall(callInput('t', { flow }), { failing: { [ActivityNames.transfer]: 1 } });
    assert.deepEqual(names, ['ca.transfer', 'ca.play', 'ca.hangUp']);
    assert.equal(output.lastStep, 'sorry');
  });

  it('ends cleanly when the caller hangs up mid-menu', async () => {
    const { output, names } = await runCall(callInput('mainLine'), { turns: ['hangup'] });
    assert.deepEqual(output, { outcome: 'caller-hung-up', lastStep: 'menu', stepsTaken: 3, variables: {} });
    assert.deepEqual(names, ['ca.play', 'ca.recognize'], 'no hang-up request for a call that is gone');
  });

  it('ends cleanly when the caller hangs up while a request is in flight', async () => {
    const { output } = await runCall(callInput('mainLine'), { hangUpDuring: { name: ActivityNames.play } });
    assert.deepEqual(output, { outcome: 'caller-hung-up', lastStep: 'welcome', stepsTaken: 1, variables: {} });
  });

  it('records a transfer as transferred when its CallTransferAccepted is handled after the call leg ended', async () => {
    const { output } = await runCall(callInput('mainLine'), {
      turns: [{ press: '2' }],
      transfer: ['accept-after-hangup'],
    });
    assert.deepEqual([output.outcome, output.lastStep], ['transferred', 'sales']);
  });

  it('records a caller who hangs up while being transferred as hung up, once no outcome has come', async () => {
    const { output } = await runCall(callInput('mainLine'), {
      turns: [{ press: '2' }],
      transfer: ['caller-hangs-up'],
    });
    assert.deepEqual([output.outcome, output.lastStep], ['caller-hung-up', 'sales']);
  });

  it('ignores a stale recognize result from an earlier prompt', async () => {
    const { output } = await runCall(callInput('mainLine'), {
      turns: ['silence', { stale: 'menu:2', then: { press: '2' } }],
      transfer: ['accept'],
    });
    assert.equal(output.lastStep, 'sales', 'the stale "9" from menu:2 did not count as a wrong key');
  });

  it('does not lose a callback that arrives before the activity result', async () => {
    const { output } = await runCall(callInput('mainLine'), {
      turns: [{ press: '1' }, { press: '11223344' }],
      early: true,
    });
    assert.equal(output.outcome, 'transferred');
  });

  it('moves to the flow error step when a Call Automation request fails', async () => {
    const { output, names } = await runCall(callInput('mainLine'), { failing: { [ActivityNames.play]: 1 } });
    assert.deepEqual(names, ['ca.play', 'ca.play', 'ca.hangUp']);
    assert.deepEqual(output, { outcome: 'completed', lastStep: 'apology', stepsTaken: 2, variables: {} });
  });

  it('retries a request ACS calls retryable after a durable backoff, with the same operation context', async () => {
    const { output, calls, run } = await runCall(callInput('mainLine'), {
      unavailable: { [ActivityNames.play]: 2 },
      turns: ['hangup'],
    });
    const plays = calls.filter((c) => c.name === ActivityNames.play);
    assert.equal(plays.length, 3);
    assert.deepEqual(new Set(plays.map((p) => p.input.operationContext)), new Set(['welcome:1']));
    assert.equal(run.history.filter((e) => e.EventType === 11).length, 2, 'two backoff timers fired');
    assert.equal(output.lastStep, 'menu');
  });

  it('gives up on a retryable request after two retries and takes the error path', async () => {
    const { output, names } = await runCall(callInput('mainLine', { startStep: 'followUp' }), {
      unavailable: { [ActivityNames.sendSms]: 3 },
    });
    assert.deepEqual(names, ['sms.send', 'sms.send', 'sms.send', 'ca.play', 'ca.hangUp']);
    assert.equal(output.outcome, 'completed');
  });

  it('hangs up with outcome failed when the error step fails too', async () => {
    const { output, names } = await runCall(callInput('mainLine'), { failing: { [ActivityNames.play]: Infinity } });
    assert.deepEqual(names, ['ca.play', 'ca.play', 'ca.hangUp']);
    assert.equal(output.outcome, 'failed');
  });

  it('after hours records a voicemail to its limit, texts the caller and says goodbye', async () => {
    const { output, names, calls } = await runCall(callInput('mainLine', { startStep: 'afterHours' }), {});
    assert.deepEqual(names, [
      'ca.play',
      'ca.play',
      'ca.startRecording',
      'ca.stopRecording',
      'sms.send',
      'ca.play',
      'ca.hangUp',
    ]);
    assert.deepEqual(calls[3].input, { recordingId: 'rec-1' });
    assert.deepEqual(calls[4].input, {
      from: '+18005550100',
      to: '+12125550123',
      message: 'Thanks for calling Contoso. We got your message and will call you back on the next business day.',
      tag: 'mainLine/followUp',
    });
    assert.equal(output.outcome, 'completed');
  });

  it('continues past the SMS step when texting fails', async () => {
    const { output, names } = await runCall(callInput('mainLine', { startStep: 'followUp' }), {
      failing: { [ActivityNames.sendSms]: 1 },
    });
    assert.deepEqual(names, ['sms.send', 'ca.play', 'ca.hangUp']);
    assert.equal(output.outcome, 'completed');
  });

  it('does not text a caller who has no phone number', async () => {
    const { names } = await runCall(callInput('mainLine', { startStep: 'followUp', callerId: '8:acs:someone' }), {});
    assert.deepEqual(names, ['ca.play', 'ca.hangUp']);
  });

  it('sends priority callers straight to their account manager (branch on caller)', async () => {
    const { output } = await runCall(callInput('mainLine', { callerId: '4:+12125550142' }), {});
    assert.equal(output.lastStep, 'priorityTransfer');
  });

  it('branches on a caller it holds sealed through one activity that opens the number, never reading it', async () => {
    const caller = await testSeal.seal('4:+12125550142');
    const { output, calls } = await runCall(callInput('mainLine', { callerId: caller }), {});
    assert.equal(output.lastStep, 'priorityTransfer');
    const tests = calls.filter((c) => c.name === ActivityNames.testCaller);
    assert.equal(tests.length, 1);
    assert.equal((tests[0].input as { caller?: string }).caller, caller, 'the activity gets the sealed number');
  });

  it('texts a caller it holds sealed: the SMS activity gets the sealed number to open', async () => {
    const caller = await testSeal.seal('4:+12125550123');
    const { names, calls } = await runCall(callInput('mainLine', { startStep: 'followUp', callerId: caller }), {});
    assert.deepEqual(names, ['sms.send', 'ca.play', 'ca.hangUp']);
    assert.equal(calls[0].input.to, caller);
  });

  it('branches on the dialled number to the support line (SSML prompt)', async () => {
    const { calls } = await runCall(callInput('mainLine', { dialled: '+18005550101' }), { agent: 'ended' });
    assert.equal(calls[1].input.sources?.[0]?.kind, 'ssml');
  });

  it('outbound reminder: pressing 1 confirms and texts the confirmation', async () => {
    const input = callInput('appointmentReminder', {
      variables: { patientName: 'Ada', appointmentTime: 'Monday at 10 AM' },
    });
    const { output, calls } = await runCall(input, { turns: [{ press: '1' }] });
    assert.deepEqual(textOf(calls[0]), [
      'Hello Ada, this is Contoso Clinic with a reminder of your appointment on Monday at 10 AM.',
      'To confirm, press 1. To reschedule, press 2.',
    ]);
    assert.equal(calls[0].input.inputType, 'dtmf');
    assert.equal(
      calls.find((c) => c.name === ActivityNames.sendSms)?.input.message,
      'Contoso Clinic: your appointment on Monday at 10 AM is confirmed. Reply STOP to opt out.',
    );
    assert.equal(output.variables.reminderAnswer, 'confirm');
    assert.equal(output.outcome, 'completed');
  });

  it('outbound reminder: pressing 2 transfers to scheduling', async () => {
    const { output } = await runCall(callInput('appointmentReminder'), { turns: [{ press: '2' }] });
    assert.deepEqual([output.outcome, output.lastStep], ['transferred', 'reschedule']);
  });

  it('outbound reminder: nobody answers the prompt, the recognizer never reports, the durable timer ends each attempt', async () => {
    const { output, run } = await runCall(callInput('appointmentReminder'), { turns: ['nothing', 'nothing'] });
    assert.equal(output.lastStep, 'noAnswer');
    assert.ok(
      run.history.some((e) => e.EventType === 11),
      'a TimerFired event drove the retry',
    );
  });

  it('re-asks for digits that are too short, then stores them', async () => {
    const { output, calls } = await runCall(callInput('mainLine', { startStep: 'accountNumber' }), {
      turns: [{ press: '123#' }, { press: '12345678#' }],
    });
    const second = calls.filter((c) => c.name === ActivityNames.recognize)[1];
    assert.equal(textOf(second)[0], "That doesn't look like an account number.");
    assert.equal(output.variables.accountNumber, '********');
  });

  it('replays its finished history to the same decisions and output (determinism)', async () => {
    const { run, output } = await runCall(callInput('mainLine'), {
      turns: ['silence', { press: '1' }, { press: '12345678' }],
    });
    const again = await replayCallFlow(run.history, sessionOf(callInput('mainLine')));
    assert.equal(again.isDone, true);
    assert.deepEqual(again.output, output);
    assert.deepEqual(JSON.parse(JSON.stringify(again.actions)), JSON.parse(JSON.stringify(run.state.actions)));
  });

  it('stops a flow that loops forever at its step limit', async () => {
    const looping = parseFlowFile(
      'flows:\n  loop:\n    maxSteps: 5\n    start: a\n    steps:\n      a: { say: A, next: b }\n      b: { say: B, next: a }\n',
      'loop.yaml',
    );
    const { output, names } = await runCall(callInput('loop', { flow: looping.flows.loop }), {});
    assert.equal(output.outcome, 'step-limit');
    assert.equal(names.filter((n) => n === ActivityNames.play).length, 5);
    assert.equal(names.at(-1), ActivityNames.hangUp);
  });

  it('branches on time in the flow time zone using orchestration time', async () => {
    const timed = parseFlowFile(
      `flows:
  timed:
    hours: { timeZone: America/New_York, open: "Mon-Fri 09:00-17:00", holidays: ["12-25"] }
    start: check
    steps:
      check:
        branch:
          - { when: { holiday: true }, next: holiday }
          - { when: { open: true }, next: open }
        otherwise: closed
      open: { say: open, hangup: true }
      closed: { say: closed, hangup: true }
      holiday: { say: holiday, hangup: true }
`,
      'timed.yaml',
    );
    const at = async (iso: string) =>
      (await runCall(callInput('timed', { flow: timed.flows.timed }), {}, new Date(iso))).output.lastStep;
    assert.equal(await at('2026-11-18T15:00:00Z'), 'open'); // 10:00 Wednesday
    assert.equal(await at('2026-11-18T23:00:00Z'), 'closed'); // 18:00
    assert.equal(await at('2026-12-25T15:00:00Z'), 'holiday');
  });
});
