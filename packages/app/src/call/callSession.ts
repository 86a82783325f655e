import type { CallFlowInput, ConnectTimings } from './types';

/**
 * What a call's orchestration starts with. The orchestration exists before ACS knows the call
 * (inbound: before :answer; outbound: before createCall), so the callConnectionId arrives later with
 * CallConnected.
 */
export interface CallSession extends Omit<CallFlowInput, 'callConnectionId' | 'serverCallId'> {
  callId: string;
  direction: 'inbound' | 'outbound';
  callConnectionId?: string;
  serverCallId?: string;
  /** Outbound: how long to wait for the callee before giving up. */
  ringTimeoutSeconds?: number;
  /**
   * The hash of the call's media-stream token, the media bridge's bearer on the voice-agent route
   * (calls/mediaToken.ts): the status API shows the session, so the token itself is never in it.
   */
  mediaTokenHash?: string;
  /** When to ask ACS about a call whose CallConnected has not come, and when to give it up (config.callConnect). */
  connect?: ConnectTimings;
  /** When the call's orchestration first started (orchestration time), kept across generations for analytics. */
  startedAt?: string;
}

/** What a session is built from: everything but what the call learns later (its connection, its progress). */
export type CallSessionOptions = Pick<
  CallSession,
  | 'callId'
  | 'direction'
  | 'callerId'
  | 'dialled'
  | 'flowName'
  | 'flow'
  | 'startStep'
  | 'variables'
  | 'serverCallId'
  | 'ringTimeoutSeconds'
  | 'mediaTokenHash'
  | 'connect'
>;

/** The one way to build a call's session (incoming calls, placed calls and campaigns). */
export function createCallSession(options: CallSessionOptions): CallSession {
  const session: CallSession = {
    callId: options.callId,
    direction: options.direction,
    callerId: options.callerId,
    dialled: options.dialled,
    flowName: options.flowName,
    flow: options.flow,
    startStep: options.startStep ?? options.flow.start,
    variables: options.variables ?? {},
  };
  if (options.serverCallId !== undefined) session.serverCallId = options.serverCallId;
  if (options.ringTimeoutSeconds !== undefined) session.ringTimeoutSeconds = options.ringTimeoutSeconds;
  if (options.mediaTokenHash !== undefined) session.mediaTokenHash = options.mediaTokenHash;
  if (options.connect !== undefined) session.connect = options.connect;
  return session;
}

/** The callback URI ACS posts this call's events to, with the call's secret (CallbackSecrets). */
export function callbackUri(callbackBaseUrl: string, callId: string, secret: string): string {
  return `${callbackBaseUrl}/api/calls/${encodeURIComponent(callId)}/events?s=${encodeURIComponent(secret)}`;
}
