import type { CallFlowInput } from '../flows/callFlowOrchestrator';

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
  /** The call's media-stream token: the media bridge's bearer on the voice-agent route (see mediaToken.ts). */
  mediaToken?: string;
  /** Outbound: how long to wait for the callee before giving up. */
  ringTimeoutSeconds?: number;
}

/** The callback URI ACS posts this call's events to. */
export function callbackUri(callbackBaseUrl: string, callId: string): string {
  return `${callbackBaseUrl}/api/calls/${encodeURIComponent(callId)}/events`;
}
