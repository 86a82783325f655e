import { createHash, timingSafeEqual } from 'node:crypto';

// The per-call token the media bridge shows the app's voice-agent route. It travels to the bridge only
// inside the media stream's transport URL, which ACS alone receives (at answer, over TLS) and uses (with
// its own RS256 JWT). It is derived from the IncomingCall event's opaque incomingCallContext, which only the
// app's Event Grid subscription sees, so a duplicate IncomingCall derives the same token and no key is
// kept in settings.

export function mediaTokenFor(incomingCallContext: string, serverCallId: string): string {
  return createHash('sha256').update(`switchboard-media\n${serverCallId}\n${incomingCallContext}`).digest('base64url');
}

/**
 * What the call's orchestration keeps of its media token: a hash, which checks a presented token but cannot be
 * presented itself (the orchestration's status is readable by whoever holds the Durable API's key).
 */
export function mediaTokenHashOf(token: string): string {
  return createHash('sha256').update(`switchboard-media-token\n${token}`).digest('base64url');
}

/** Constant-time check of an `Authorization: Bearer <token>` header against the hash of the call's token. */
export function isMediaToken(authorization: string | null | undefined, expectedHash: string | undefined): boolean {
  const presented = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!presented || !expectedHash) return false;
  const a = Buffer.from(mediaTokenHashOf(presented));
  const b = Buffer.from(expectedHash);
  return a.length === b.length && timingSafeEqual(a, b);
}
