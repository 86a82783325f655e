import type { OrchestrationContext, Task } from 'durable-functions';
import { CALL_ENDED_ACTIVITY, type CallEndInput } from '../analytics/callAnnotation';
import { stepKind } from '../flows/flowSchema';
import type { CreateCallInput, CreateCallOutput, ReleaseCallInput } from './activityTypes';
import type { CallSession } from './callSession';
import { flowOutput, runCallFlow, type FinishedRun, type RunResult } from './callFlowRun';
import { connectCall } from './connectCall';
import { ActivityNames } from './names';
import type { CallFlowInput, CallFlowResult, NotConnectedReason } from './types';

// The call's workflow: one durable orchestration per call. It is started before ACS can call back
// (inbound: before :answer, outbound: before createCall), so it first waits until the call is connected
// (connectCall.ts), then interprets the flow.

/** The orchestrator function registered as OrchestrationNames.callFlow (input: a CallSession). */
export function* callFlowOrchestration(
  context: OrchestrationContext,
): Generator<Task, CallFlowResult | undefined, unknown> {
  const session = context.df.getInput<CallSession>();
  session.startedAt ??= context.df.currentUtcDateTime.toISOString();
  const result = session.progress
    ? yield* runCallFlow(context, flowInput(session))
    : yield* connectAndRun(context, session);
  if ('continueWith' in result) {
    // The same session (the voice-agent route reads its token and flow), now with where the call stands.
    context.df.continueAsNew({ ...session, progress: result.continueWith } satisfies CallSession);
    return undefined;
  }
  if (session.direction === 'inbound' && session.flow.overflow?.maxActiveCalls !== undefined) {
    const release: ReleaseCallInput = { flow: session.flowName, callId: session.callId };
    yield context.df.callActivity(ActivityNames.releaseCall, release);
  }
  yield* recordCallEnd(context, session, result);
  return finishedRun(result) ? flowOutput(result) : result;
}

function finishedRun(result: CallFlowResult | FinishedRun): result is FinishedRun {
  return 'facts' in result;
}

/** Records the call's end for conversation analytics (keyed by call id, so a replayed or retried record counts once). */
function* recordCallEnd(
  context: OrchestrationContext,
  session: CallSession,
  result: CallFlowResult | FinishedRun,
): Generator<Task, void, unknown> {
  const step = result.lastStep ? session.flow.steps[result.lastStep] : undefined;
  const input: CallEndInput = {
    callId: session.callId,
    direction: session.direction,
    callerId: session.callerId,
    flowName: session.flowName,
    dialled: session.dialled,
    startedAt: session.startedAt ?? context.df.currentUtcDateTime.toISOString(),
    endedAt: context.df.currentUtcDateTime.toISOString(),
    outcome: result.outcome,
    ...('reason' in result ? { reason: result.reason } : {}),
    lastStep: result.lastStep,
    ...(step ? { lastStepKind: stepKind(step) } : {}),
    path: finishedRun(result) ? result.path : [],
    facts: finishedRun(result) ? result.facts : {},
  };
  try {
    // One try (the storage SDK retries transient failures itself): analytics must never hold a call's end up.
    yield context.df.callActivity(CALL_ENDED_ACTIVITY, input);
  } catch {
    // The activity logged why; the call itself ended as it should.
  }
}

function notConnected(reason: NotConnectedReason): CallFlowResult {
  return { outcome: 'not-connected', reason, lastStep: '', stepsTaken: 0, variables: {} };
}

function flowInput(session: CallSession): CallFlowInput {
  return {
    callConnectionId: session.callConnectionId ?? '',
    serverCallId: session.serverCallId ?? '',
    callerId: session.callerId,
    dialled: session.dialled,
    flowName: session.flowName,
    flow: session.flow,
    startStep: session.startStep,
    variables: session.variables,
    progress: session.progress,
  };
}

function* connectAndRun(
  context: OrchestrationContext,
  session: CallSession,
): Generator<Task, CallFlowResult | RunResult, unknown> {
  const df = context.df;
  df.setCustomStatus({ step: 'connecting', stepsTaken: 0, variables: {}, path: [] });

  let callConnectionId = session.callConnectionId;
  if (session.direction === 'outbound' && !callConnectionId) {
    const create: CreateCallInput = {
      callId: session.callId,
      target: session.callerId,
      sourceCallerId: session.dialled,
    };
    try {
      const created = (yield df.callActivity(ActivityNames.createCall, create)) as CreateCallOutput;
      callConnectionId = created.callConnectionId;
    } catch {
      return notConnected('failed');
    }
  }

  const connected = yield* connectCall(context, session, callConnectionId);
  if (connected.kind === 'not-connected') return notConnected(connected.reason);
  // Later generations (continueAsNew) start from the session: it now names the connection.
  session.callConnectionId = connected.callConnectionId ?? callConnectionId ?? '';
  session.serverCallId = connected.serverCallId ?? session.serverCallId ?? '';
  return yield* runCallFlow(context, flowInput(session));
}
