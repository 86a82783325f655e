import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import { getServices } from '../shared/app/services';
import { runCallFlow, type CallFlowOutput } from '../shared/flows/callFlowOrchestrator';
import { CREATE_CALL } from '../shared/calls/callActivities';
import { ActivityNames } from '../shared/flows/activityNames';
import { callMetrics } from '../shared/telemetry/metrics';
import type { CallSession } from '../shared/calls/callSession';

// The call's workflow: one durable orchestration per call, and the activities it runs (each a Call
// Automation request). The orchestration is started before ACS can call back (inbound: before :answer,
// outbound: before createCall), so it first waits for CallConnected, which names the connection.

export const CALL_FLOW = 'callFlow';
/** Removes the call from the flow's calls in progress (overflow.maxActiveCalls) when it ends. */
export const RELEASE_CALL = 'calls.release';
const CONNECT_TIMEOUT_MS = 60_000;

export type CallFlowResult =
  | CallFlowOutput
  | {
      outcome: 'not-connected';
      reason: 'no-answer' | 'failed' | 'caller-hung-up' | 'timeout';
      lastStep: string;
      stepsTaken: 0;
      variables: Record<string, string>;
    };

export function* callFlowOrchestration(context: OrchestrationContext): Generator<Task, CallFlowResult, unknown> {
  const session = context.df.getInput<CallSession>();
  const result = yield* connectAndRun(context, session);
  // Metrics only on the first execution of this line, never on replays.
  if (!context.df.isReplaying) callMetrics.ended(session.flowName, result.outcome, result.outcome !== 'not-connected');
  if (session.direction === 'inbound' && session.flow.overflow?.maxActiveCalls !== undefined) {
    yield context.df.callActivity(RELEASE_CALL, { flow: session.flowName, callId: session.callId });
  }
  return result;
}

function* connectAndRun(context: OrchestrationContext, session: CallSession): Generator<Task, CallFlowResult, unknown> {
  const notConnected = (reason: 'no-answer' | 'failed' | 'caller-hung-up' | 'timeout'): CallFlowResult => ({
    outcome: 'not-connected',
    reason,
    lastStep: '',
    stepsTaken: 0,
    variables: {},
  });
  context.df.setCustomStatus({ step: 'connecting', stepsTaken: 0, variables: {}, path: [] });

  let callConnectionId = session.callConnectionId;
  if (session.direction === 'outbound' && !callConnectionId) {
    try {
      const created = (yield context.df.callActivity(CREATE_CALL, {
        callId: session.callId,
        target: session.callerId,
        sourceCallerId: session.dialled,
      })) as { callConnectionId: string };
      callConnectionId = created.callConnectionId;
    } catch {
      return notConnected('failed');
    }
  }

  const connected = context.df.waitForExternalEvent('CallConnected');
  const answerFailed = context.df.waitForExternalEvent('AnswerFailed');
  const createCallFailed = context.df.waitForExternalEvent('CreateCallFailed');
  const disconnected = context.df.waitForExternalEvent('CallDisconnected');
  const timeout = context.df.createTimer(
    new Date(context.df.currentUtcDateTime.getTime() + ((session.ringTimeoutSeconds ?? 0) * 1000 + CONNECT_TIMEOUT_MS)),
  );
  const winner = (yield context.df.Task.any([
    connected,
    answerFailed,
    createCallFailed,
    disconnected,
    timeout,
  ])) as Task;
  if (winner !== timeout) timeout.cancel();
  if (winner === createCallFailed) return notConnected('no-answer');
  if (winner === answerFailed) return notConnected('failed');
  if (winner === disconnected) return notConnected('caller-hung-up');
  if (winner === timeout) return notConnected('timeout');

  if (!context.df.isReplaying) callMetrics.connected(session.flowName);
  const data = (connected.result ?? {}) as { callConnectionId?: string; serverCallId?: string };
  return yield* runCallFlow(context, {
    callConnectionId: data.callConnectionId ?? callConnectionId ?? '',
    serverCallId: data.serverCallId ?? session.serverCallId ?? '',
    callerId: session.callerId,
    dialled: session.dialled,
    flowName: session.flowName,
    flow: session.flow,
    startStep: session.startStep,
    variables: session.variables,
  });
}

df.app.orchestration(CALL_FLOW, callFlowOrchestration);
df.app.activity(RELEASE_CALL, {
  handler: (input: { flow: string; callId: string }) => getServices().activeCalls.remove(input.flow, input.callId),
});

// One activity per Call Automation action; implementations in shared/calls/callActivities.ts.
for (const name of [...Object.values(ActivityNames), CREATE_CALL]) {
  df.app.activity(name, {
    handler: (input: unknown) => (getServices().activities[name] as (input: unknown) => Promise<unknown>)(input),
  });
}
