import { phoneNumberOf } from '@switchboard/app/acs/identifiers';
import { type CallConnectionCheck, type TestCallerInput } from '@switchboard/app/call/activityTypes';
import { activityFailureMessage } from '@switchboard/app/call/activityFailure';
import { toneOf } from '@switchboard/app/call/recognition';
import { SealedValues } from '@switchboard/app/call/sealedValues';
import { testValue } from '@switchboard/app/flows/evaluateCondition';
import { ActivityNames, CallEvents } from '@switchboard/app/call/names';
import type { ActivityCall, WorldTools } from './callFlowWorld';

// A scripted ACS for the orchestrator tests: it answers each Call Automation request the way the script says
// and raises the callbacks ACS would send for it (the caller's key presses, a transfer's outcome, a hang-up).

/** What the caller does at each recognize, in order. */
export type Turn =
  | { press: string }
  | { choose: string }
  | { speak: string }
  | 'silence'
  | 'hangup'
  | 'nothing'
  | { stale: string; then: Turn }
  | { failWith: number };

export interface Script {
  turns?: Turn[];
  /** A transfer's outcome; `accept-after-hangup`: CallDisconnected is handled before CallTransferAccepted. */
  transfer?: ('accept' | 'fail' | 'no-answer' | 'accept-after-hangup' | 'caller-hangs-up')[];
  addParticipant?: 'succeed' | 'fail';
  agent?: 'handoff' | 'ended' | 'fail';
  /** Activity names that throw, each for the given number of calls (Infinity = always). */
  failing?: Record<string, number>;
  /** Activity names that fail with a retryable error (503 from ACS), for the given number of calls. */
  unavailable?: Record<string, number>;
  /** The caller hangs up during this activity (by call index of that name, 0-based). */
  hangUpDuring?: { name: string; index?: number };
  /** Raise recognize outcomes before the activity's own result is recorded. */
  early?: boolean;
  /** What happens after a placed call's createCall is accepted: the callee answers (default), or not, or silence. */
  callee?: 'answers' | 'does-not-answer' | 'nothing';
  /** What ACS says when the app asks where the call stands (GET call connection), in order; the last repeats. */
  acsSays?: CallConnectionCheck['state'][];
  /** CallConnected arrives while the app is asking ACS about the call (before the answer is recorded). */
  connectedDuringCheck?: boolean;
}

/** How the tests seal a caller's number, as the app's starters do (a fixed key instead of the app's own). */
export const testSeal = new SealedValues(() => Promise.resolve(Buffer.alloc(32, 7)));

/** A scripted ACS: answers activities and raises the callbacks ACS would send. */
export function acs(script: Script) {
  const turns = [...(script.turns ?? [])];
  const transfers = [...(script.transfer ?? [])];
  const failing = { ...(script.failing ?? {}) };
  const unavailable = { ...(script.unavailable ?? {}) };
  const counts: Record<string, number> = {};
  return (call: ActivityCall, tools: WorldTools): unknown => {
    const index = (counts[call.name] = (counts[call.name] ?? 0) + 1) - 1;
    if ((failing[call.name] ?? 0) > 0) {
      failing[call.name] -= 1;
      throw new Error(`${call.name} failed: 400 Bad Request`);
    }
    if ((unavailable[call.name] ?? 0) > 0) {
      unavailable[call.name] -= 1;
      throw new Error(
        activityFailureMessage(
          { code: `acs.${call.name}.503`, retryable: true },
          `${call.name}: 503 Service Unavailable`,
        ),
      );
    }
    const ctx = call.input?.operationContext;
    const raise = script.early && call.name === ActivityNames.recognize ? tools.raiseFirst : tools.raise;
    if (script.hangUpDuring && script.hangUpDuring.name === call.name && (script.hangUpDuring.index ?? 0) === index) {
      tools.raise(CallEvents.callDisconnected, { callConnectionId: 'conn-1' });
      return call.name === ActivityNames.startRecording ? { recordingId: 'rec-1' } : null;
    }
    const recognizeTurn = (turn: Turn | undefined): void => {
      if (turn === undefined) throw new Error('the script has no more caller turns');
      if (turn === 'nothing') return;
      if (turn === 'hangup') return raise(CallEvents.callDisconnected, {});
      if (turn === 'silence')
        return raise(CallEvents.recognizeFailed, {
          operationContext: ctx,
          resultInformation: { code: 400, subCode: 8510, message: 'silence' },
        });
      if ('stale' in turn) {
        raise(CallEvents.recognizeCompleted, {
          operationContext: turn.stale,
          recognitionType: 'dtmf',
          dtmfResult: { tones: ['nine'] },
        });
        return recognizeTurn(turn.then);
      }
      if ('failWith' in turn) {
        return raise(CallEvents.recognizeFailed, {
          operationContext: ctx,
          resultInformation: { code: 400, subCode: turn.failWith },
        });
      }
      if ('press' in turn) {
        const tones = [...turn.press].map((k) => toneOf(k));
        return raise(CallEvents.recognizeCompleted, {
          operationContext: ctx,
          recognitionType: 'dtmf',
          dtmfResult: { tones },
          resultInformation: { code: 200, subCode: 8514 },
        });
      }
      if ('choose' in turn) {
        return raise(CallEvents.recognizeCompleted, {
          operationContext: ctx,
          recognitionType: 'choices',
          choiceResult: { label: turn.choose, recognizedPhrase: turn.choose },
        });
      }
      return raise(CallEvents.recognizeCompleted, {
        operationContext: ctx,
        recognitionType: 'speech',
        speechResult: { speech: turn.speak, confidence: 0.9 },
      });
    };
    switch (call.name) {
      case ActivityNames.play:
        tools.raise(CallEvents.playCompleted, { operationContext: ctx, resultInformation: { code: 200, subCode: 0 } });
        return null;
      case ActivityNames.recognize:
        recognizeTurn(turns.shift());
        return null;
      case ActivityNames.transfer: {
        const how = transfers.shift() ?? 'accept';
        if (how === 'accept') tools.raise(CallEvents.callTransferAccepted, { operationContext: ctx });
        if (how === 'accept-after-hangup' || how === 'caller-hangs-up')
          tools.raise(CallEvents.callDisconnected, { callConnectionId: 'conn-1' });
        if (how === 'accept-after-hangup') tools.raise(CallEvents.callTransferAccepted, { operationContext: ctx });
        if (how === 'fail')
          tools.raise(CallEvents.callTransferFailed, {
            operationContext: ctx,
            resultInformation: { code: 487, subCode: 0 },
          });
        return null;
      }
      case ActivityNames.addParticipant:
        tools.raise(
          script.addParticipant === 'fail' ? CallEvents.addParticipantFailed : CallEvents.addParticipantSucceeded,
          { operationContext: ctx },
        );
        return null;
      case ActivityNames.startMediaStreaming:
        if (script.agent === 'fail') {
          tools.raise(CallEvents.mediaStreamingFailed, { operationContext: ctx });
          return null;
        }
        tools.raise(CallEvents.mediaStreamingStarted, { operationContext: ctx });
        tools.raise(script.agent === 'ended' ? CallEvents.voiceAgentEnded : CallEvents.voiceAgentHandoff, {
          reason: 'caller-asked-for-person',
        });
        return null;
      case ActivityNames.createCall:
        if ((script.callee ?? 'answers') === 'answers')
          tools.raise(CallEvents.callConnected, { callConnectionId: 'conn-1', serverCallId: 'server-1' });
        if (script.callee === 'does-not-answer')
          tools.raise(CallEvents.createCallFailed, { resultInformation: { code: 408, subCode: 0 } });
        return { callConnectionId: 'conn-1' };
      case ActivityNames.startRecording:
        return { recordingId: 'rec-1' };
      case ActivityNames.getCallConnection: {
        if (script.connectedDuringCheck)
          tools.raiseFirst(CallEvents.callConnected, { callConnectionId: 'conn-1', serverCallId: 'server-1' });
        const says = script.acsSays ?? ['unanswered'];
        const state = says[Math.min(index, says.length - 1)];
        return state === 'unanswered'
          ? { state }
          : { state, callConnectionId: call.input.callConnectionId ?? 'conn-1', serverCallId: 'server-1' };
      }
      case ActivityNames.sendSms:
        return { sent: true, messageId: 'sms-1' };
      case ActivityNames.testCaller: {
        // The app's own activity opens the sealed number and runs the tests, as here.
        const { caller, tests } = call.input as unknown as TestCallerInput;
        return testSeal.open(caller).then((opened) => tests.map((t) => testValue(t, phoneNumberOf(opened))));
      }
      default:
        return null;
    }
  };
}
