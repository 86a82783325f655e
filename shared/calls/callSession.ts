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
  /** Outbound: how long to wait for the callee before giving up. */
  ringTimeoutSeconds?: number;
}

/** The callback URI ACS posts this call's events to, with the call's secret (CallbackSecrets). */
export function callbackUri(callbackBaseUrl: string, callId: string, secret: string): string {
  return `${callbackBaseUrl}/api/calls/${encodeURIComponent(callId)}/events?s=${encodeURIComponent(secret)}`;
}
