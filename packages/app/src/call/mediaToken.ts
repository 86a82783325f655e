import { createHash, timingSafeEqual } from 'node:crypto';

// The per-call token the media bridge shows the app's voice-agent route. It travels to the bridge only
// inside the media stream's transport URL, which ACS alone receives (at answer, over TLS) and uses (with
// its own RS256 JWT). It is derived from the IncomingCall event's opaque incomingCallContext, which only the
// app's Event Grid subscription sees, so a duplicate IncomingCall derives the same token and no key is
// kept in settings.

export function mediaTokenFor(incomingCallContext: string, serverCallId: string): string {
  return createHash('sha256').update(`switchboard-media\n${serverCallId}\n${incomingCallContext}`).digest('base64url');
}

/** Constant-time check of an `Authorization: Bearer <token>` header against the call's token. */
export function isMediaToken(authorization: string | null | undefined, expected: string | undefined): boolean {
  const presented = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!presented || !expected) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
