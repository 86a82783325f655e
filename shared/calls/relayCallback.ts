import { parseCallAutomationEvent } from '@azure/communication-call-automation';
import { isCallEventName } from '../callflow/names';
import { CallbackTokenError, verifyCallbackToken, type CallbackTokenOptions } from '../acs/verifyCallbackToken';

export interface RelayDeps {
  token: CallbackTokenOptions;
  /** Raises the event to the call's orchestration (instance id = callId). */
  raise: (callId: string, eventName: string, data: unknown) => Promise<void>;
}

export type RelayResult =
  { status: 401; reason: string } | { status: 400; reason: string } | { status: 200; event?: string; relayed: boolean };

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
  await deps.raise(callId, kind, data);
  return { status: 200, event: kind, relayed: true };
}
