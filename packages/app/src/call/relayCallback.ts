import { parseCallAutomationEvent } from '@azure/communication-call-automation';
import { isCallEventName } from './names';
import { tokenReplayId } from '@switchboard/core/acs/tokenReplayId';
import {
  CallbackTokenError,
  verifyCallbackToken,
  type CallbackTokenOptions,
} from '@switchboard/core/acs/verifyCallbackToken';

export interface RelayDeps {
  token: CallbackTokenOptions;
  /** The secret in the callback URL (`?s=`), checked against the call's own. */
  secret: string | null;
  secretMatches: (callId: string, secret: string | null) => Promise<boolean>;
  /** Records the token's replay id (tokenReplayId); false when it was used before (a replay). */
  firstUse: (tokenId: string, expiresAt: number) => Promise<boolean>;
  /** Forgets a token's id when relaying failed on our side, so ACS may retry with the same token. */
  release: (tokenId: string) => Promise<void>;
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
  | { status: 503; reason: string }
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
  let claims;
  try {
    claims = await verifyCallbackToken(authorization, deps.token);
  } catch (error) {
    // Keys that could not be fetched are our failure, not the token's: 503, never a 401 that calls it forged.
    if (error instanceof CallbackTokenError)
      return error.reason === 'keys-unavailable'
        ? { status: 503, reason: error.reason }
        : { status: 401, reason: error.reason };
    throw error;
  }
  // A genuine token is still refused for a URL that is not this call's, or when it was used before.
  if (!(await deps.secretMatches(callId, deps.secret))) return { status: 401, reason: 'wrong-call-secret' };
  // Every token is single-use, jti or not (ACS documents none): its id comes from its signature.
  const tokenId = tokenReplayId(authorization);
  if (!(await deps.firstUse(tokenId, claims.exp ?? 0))) return { status: 401, reason: 'replayed-token' };
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
  // A failure on our side forgets the token, so ACS may retry with the same token.
  const retryable = async (error: unknown): Promise<never> => {
    await deps.release(tokenId);
    throw error;
  };
  if (!orphan) {
    if (raised) return retryable(raised.error);
    return { status: 200, event: kind, relayed: true };
  }
  const callConnectionId = typeof data.callConnectionId === 'string' ? data.callConnectionId : undefined;
  if (!callConnectionId || CALL_GONE.has(kind)) return { status: 200, event: kind, relayed: false };
  await deps.hangUp(callConnectionId).catch((hangUpError: unknown) => {
    // Already gone at ACS (404) is what we wanted; anything else is worth another delivery.
    if ((hangUpError as { statusCode?: number }).statusCode !== 404) return retryable(hangUpError);
  });
  return { status: 200, event: kind, relayed: false, orphanHungUp: true };
}
