import { createHash } from 'node:crypto';
import { bearerToken, CallbackTokenError } from './verifyCallbackToken';

// What makes an ACS token single-use. Microsoft documents only iss, aud and exp for these tokens (and "a new token
// for every event" / "for each connection request"), not a `jti`, so replay protection cannot rest on one. Every
// token carries its RS256 signature, which is unique to its header and claims: the id is the SHA-256 of the
// signature's bytes, decoded, because base64url leaves spare bits in the last character and the same signature
// can be written several ways (a replay that re-encodes it must still be the same id).

/**
 * The replay id of an ACS callback or media token (the bare JWT or the whole `Authorization: Bearer` value), to be
 * taken after the token has been verified.
 * @example tokenReplayId(request.headers.get('authorization')) // 'q3X…' (43 characters, base64url)
 */
export function tokenReplayId(tokenOrHeader: string | null | undefined): string {
  const token = /^Bearer\s/i.test(tokenOrHeader ?? '') ? bearerToken(tokenOrHeader) : (tokenOrHeader ?? '').trim();
  const parts = token.split('.');
  const signature = parts.length === 3 ? Buffer.from(parts[2], 'base64url') : Buffer.alloc(0);
  if (!signature.length) throw new CallbackTokenError('malformed-token');
  return createHash('sha256').update(signature).digest('base64url');
}
