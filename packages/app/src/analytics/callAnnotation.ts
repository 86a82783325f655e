import type { CallFacts } from '../call/types';
import type { ConversationAnnotation, Handling } from './conversationAnnotation';
import { customerHashOrUndefined } from './customerHash';

// A call's annotation from how its orchestration ended (callflow/callFlowOrchestration.ts schedules the
// activity with a CallEndInput; functions/recordCallEnd.ts runs it).

/** The activity that records a call's end (not a Call Automation request, so not among ActivityNames). */
export const CALL_ENDED_ACTIVITY = 'insights.callEnded';

export interface CallEndInput {
  callId: string;
  direction: 'inbound' | 'outbound';
  /** The caller (outbound: the person called), hashed by the activity, never stored. */
  callerId: string;
  flowName: string;
  /** The business number of the call (inbound: dialled; outbound: calling from). */
  dialled: string;
  startedAt: string;
  endedAt: string;
  /** The flow's outcome, or 'not-connected'. */
  outcome: string;
  /** not-connected: why. */
  reason?: string;
  lastStep: string;
  /** The kind of the step the call ended in (say, ask, transfer, voiceAgent, ...). */
  lastStepKind?: string;
  path: string[];
  facts: CallFacts;
}

function handlingOf(
  input: CallEndInput,
): Pick<ConversationAnnotation, 'handling' | 'transferredTo' | 'abandonedAt' | 'failure'> {
  const { outcome, facts, lastStep } = input;
  if (facts.personReachedAt || outcome === 'transferred')
    return { handling: 'transferred', transferredTo: facts.personStep ?? lastStep };
  if (facts.voicemail) return { handling: 'voicemail' };
  const hungUp = outcome === 'caller-hung-up' || (outcome === 'not-connected' && input.reason === 'caller-hung-up');
  // A caller ends a voice-agent conversation by hanging up: the assistant handled it.
  if (hungUp && input.lastStepKind === 'voiceAgent') return { handling: 'contained' };
  if (hungUp) return { handling: 'abandoned', abandonedAt: lastStep || 'before-answer' };
  if (outcome === 'completed') return { handling: 'contained' };
  return { handling: 'failed' satisfies Handling, failure: input.reason ?? outcome };
}

/** The call's annotation; the caller's number is only ever hashed with `salt`. */
export function callAnnotation(input: CallEndInput, salt: string | undefined): ConversationAnnotation {
  const started = Date.parse(input.startedAt);
  const ended = Date.parse(input.endedAt);
  const { facts } = input;
  const annotation: ConversationAnnotation = {
    conversationId: input.callId,
    channel: 'call',
    line: input.flowName,
    address: input.dialled,
    startedAt: input.startedAt,
    durationMs: Math.max(0, ended - started),
    ...handlingOf(input),
    path: input.path,
  };
  const customer = customerHashOrUndefined(input.callerId, salt);
  if (customer) annotation.customer = customer;
  if (facts.personReachedAt && facts.personRequestedAt) {
    annotation.waitForPersonMs = Math.max(0, Date.parse(facts.personReachedAt) - Date.parse(facts.personRequestedAt));
    annotation.toPersonMs = Math.max(0, Date.parse(facts.personReachedAt) - started);
  }
  return annotation;
}
