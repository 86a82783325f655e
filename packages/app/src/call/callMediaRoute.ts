import type { CallSession } from './callSession';
import { isMediaToken } from './mediaToken';
import { mediaConnectionSchema, type MediaCallState } from '@switchboard/core/voiceAgentContract';
import type { RouteResult } from './voiceAgentRoute';

// The app's side of the media route (/api/calls/{callId}/media), the media bridge's only way to learn about a call.
// The bearer is the call's media token (mediaToken.ts), so only a holder of the call's streams is answered:
// - POST admits one stream: the call still runs, ACS's connection header names this call's connection, and the ACS
//   token has never been used (on this route or as a callback: one replay table for both).
// - GET tells whether the call's orchestration still runs, and at which step (the bridge asks every few seconds).
// - DELETE hangs up a call whose orchestration has ended without hanging up (the bridge found it gone).

export interface CallMediaDeps {
  /** The call's orchestration, or undefined when there is none (never started here, or purged). */
  status(
    callId: string,
  ): Promise<{ input: unknown; customStatus: unknown; runtimeStatus: string; output: unknown } | undefined>;
  /** The call connection id :answer returned, when it was recorded. */
  connectionOf(callId: string): Promise<string | undefined>;
  /** Records an ACS token's replay id; false when it was used before. */
  firstUse(tokenId: string, expiresAt: number): Promise<boolean>;
  /** Hangs the call up for everyone. */
  hangUp(callConnectionId: string): Promise<void>;
}

/** Statuses in which nobody drives the call any more (Suspended may resume: it still counts as running). */
const ENDED = new Set(['Completed', 'Failed', 'Terminated', 'Canceled']);

export async function handleCallMediaRequest(
  method: string,
  callId: string,
  authorization: string | null,
  body: string,
  deps: CallMediaDeps,
): Promise<RouteResult & { reason?: string }> {
  const status = await deps.status(callId);
  const session = status?.input as CallSession | undefined;
  // The same answer for "no such call" and "wrong token": the route tells a stranger nothing.
  if (!status || !session || !isMediaToken(authorization, session.mediaTokenHash))
    return { status: 401, jsonBody: { error: 'not authorised for this call' }, reason: 'not-this-call' };
  const running = !ENDED.has(status.runtimeStatus);
  const step = (status.customStatus as { step?: string } | null | undefined)?.step;

  if (method === 'GET') {
    const state: MediaCallState = running ? { running, step } : { running };
    return { status: 200, jsonBody: state };
  }
  if (method === 'POST') {
    if (!running) return { status: 409, jsonBody: { error: 'the call has ended' }, reason: 'call-ended' };
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return { status: 400, jsonBody: { error: 'body is not JSON' } };
    }
    const parsed = mediaConnectionSchema.safeParse(value);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
      return { status: 400, jsonBody: { error: problems.join('; ') } };
    }
    const connection = parsed.data;
    // ACS's header is not signed: a consistency check that the stream is this call's, not an authentication.
    const known = connection.callConnectionId ? await deps.connectionOf(callId) : undefined;
    if (known && known !== connection.callConnectionId)
      return { status: 401, jsonBody: { error: 'not this call' }, reason: 'wrong-call-connection' };
    if (!(await deps.firstUse(connection.tokenId, connection.expiresAt)))
      return { status: 401, jsonBody: { error: 'replayed-token' }, reason: 'replayed-token' };
    const state: MediaCallState = { running, step };
    return { status: 201, jsonBody: state };
  }
  if (method === 'DELETE') {
    // Never hang up a call its orchestration still drives, nor one it handed to a person.
    if (running) return { status: 409, jsonBody: { error: 'the call is still running' }, reason: 'still-running' };
    const transferred =
      status.runtimeStatus === 'Completed' && (status.output as { outcome?: string } | null)?.outcome === 'transferred';
    const callConnectionId = transferred ? undefined : await deps.connectionOf(callId);
    if (!callConnectionId) return { status: 200, jsonBody: { hungUp: false } };
    await deps.hangUp(callConnectionId).catch((error: unknown) => {
      // Already gone at ACS (404) is what was asked for.
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    });
    return { status: 200, jsonBody: { hungUp: true } };
  }
  return { status: 405, jsonBody: { error: 'use GET, POST or DELETE' } };
}
