import { createHash } from 'node:crypto';

/**
 * One id per call, derived from the serverCallId so that every delivery of the same IncomingCall
 * (Event Grid redeliveries, ACS's second event) maps to the same orchestration and the same claim.
 */
export function callIdFor(serverCallId: string): string {
  return createHash('sha256').update(serverCallId).digest('base64url').slice(0, 24);
}
