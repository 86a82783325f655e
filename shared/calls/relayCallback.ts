import { parseCallAutomationEvent } from '@azure/communication-call-automation';
import { isCallEventName } from '../callflow/names';
import { CallbackTokenError, verifyCallbackToken, type CallbackTokenOptions } from '../acs/verifyCallbackToken';

export interface RelayDeps {
  token: CallbackTokenOptions;
  /** Raises the event to the call's orchestration (instance id = callId). */
  raise: (callId: string, eventName: string, data: unknown) => Promise<void>;
  /**
   * Whether nobody drives the call any more: its orchestration never existed here, failed, was terminated, or
   * ended without hanging up. A call handed to a person is not an orphan.
   */
  isOrphan: (callId: string) => Promise<boolean>;
  /** Hangs the call up for everyone (its orchestration is gone: nobody would drive it). */
  hangUp: (callConnectionId: string) => Promise<void>;
}

export type RelayResult =
  | { status: 401; reason: string }
  | { status: 400; reason: string }
  | { status: 200; event?: string; relayed: boolean; orphanHungUp?: boolean };

/** Events after which there is no call left to hang up. */
const CALL_GONE = new Set(['CallDisconnected', 'AnswerFailed', 'CreateCallFailed']);

/**
 * One ACS callback: verify its bearer JWT first (nothing happens without a valid token), parse the event
 * with the SDK's parser, and raise the ones the flow waits for to the call's orchestration.
 */
export async function relayCallback(
  callId: string,
  authorization: string | null,
  body: string,
  deps: RelayDeps,
): Promise<RelayResult> {
  try {
    await verifyCallbackToken(authorization, deps.token);
  } catch (error) {
    if (error instanceof CallbackTokenError) return { status: 401, reason: error.reason };
    throw error;
  }
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    return { status: 400, reason: 'the body is not JSON' };
  }
  let event: { kind: string } & Record<string, unknown>;
  try {
    event = parseCallAutomationEvent(payload as Record<string, unknown>) as unknown as { kind: string } & Record<
      string,
      unknown
    >;
  } catch {
    // A type the SDK does not know (newer ACS): acknowledge, so ACS does not retry, and move on.
    return { status: 200, relayed: false };
  }
  if (!isCallEventName(event.kind)) return { status: 200, event: event.kind, relayed: false };
  const { kind, ...data } = event;
  // Durable accepts (and drops) an event for a finished instance, so the orchestration's state is read beside
  // the raise: no call may outlive its orchestration, and the read adds no latency to a live call's turn.
  const [raised, orphan] = await Promise.all([
    deps.raise(callId, kind, data).then(
      () => undefined,
      (error: unknown) => ({ error }),
    ),
    deps.isOrphan(callId).catch(() => false), // unsure (storage down): never hang a live call up
  ]);
  if (!orphan) {
    if (raised) throw raised.error;
    return { status: 200, event: kind, relayed: true };
  }
  const callConnectionId = typeof data.callConnectionId === 'string' ? data.callConnectionId : undefined;
  if (!callConnectionId || CALL_GONE.has(kind)) return { status: 200, event: kind, relayed: false };
  await deps.hangUp(callConnectionId).catch((hangUpError: unknown) => {
    // Already gone at ACS (404) is what we wanted; anything else is worth another delivery.
    if ((hangUpError as { statusCode?: number }).statusCode !== 404) throw hangUpError;
  });
  return { status: 200, event: kind, relayed: false, orphanHungUp: true };
}
