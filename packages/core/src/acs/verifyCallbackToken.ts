import { UnauthorizedError } from '../errors';

// jose is ESM-only and this project compiles to CommonJS: load it with import() (kept as a real
// dynamic import under module node16) once, on first use.
import type * as JoseModule from 'jose' with { 'resolution-mode': 'import' };
type Jose = typeof JoseModule;
export type JWTPayload = JoseModule.JWTPayload;
let josePromise: Promise<Jose> | undefined;
export const loadJose = (): Promise<Jose> => (josePromise ??= import('jose'));

// ACS signs every callback and media WebSocket connection with a short-lived RS256 JWT; the SDK has
// no verifier, so this is the app's only gate against forged callbacks (see docs/acs-wire-protocol.md).

export type CallbackTokenFailure =
  | 'missing-token'
  | 'malformed-token'
  | 'algorithm-not-allowed'
  | 'unknown-key'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'missing-claim'
  | 'keys-unavailable';

/** An UnauthorizedError whose `reason` says which check failed (safe to log: no token content). */
export class CallbackTokenError extends UnauthorizedError {
  readonly reason: CallbackTokenFailure;
  constructor(reason: CallbackTokenFailure, cause?: unknown) {
    super(`callback token rejected: ${reason}`, { cause, retryable: reason === 'keys-unavailable' });
    this.reason = reason;
  }
}

export interface CallbackTokenOptions {
  /** ACS_CALLBACK_JWKS_URL. */
  jwksUrl: string;
  /** ACS_CALLBACK_ISSUER. */
  issuer: string;
  /** ACS_IMMUTABLE_RESOURCE_ID. */
  audience: string;
  /** Leeway for exp/nbf against clock skew; default 60. */
  clockToleranceSeconds?: number;
  /** Minimum time between JWKS refetches on an unknown kid; default 30 s (stops kid-spraying from hammering the JWKS). */
  refetchCooldownMs?: number;
  /** How long fetched keys are trusted without a refetch; default 10 minutes. */
  cacheMaxAgeMs?: number;
  /** JWKS fetch timeout; default 5 s. */
  timeoutMs?: number;
}

type KeySet = ReturnType<Jose['createRemoteJWKSet']>;
// One key set per JWKS URL and caching policy, shared by every verification in the process.
const keySets = new Map<string, KeySet>();

function keySetFor(
  jose: Jose,
  options: Pick<CallbackTokenOptions, 'jwksUrl' | 'refetchCooldownMs' | 'cacheMaxAgeMs' | 'timeoutMs'>,
): KeySet {
  const cooldown = options.refetchCooldownMs ?? 30_000;
  const maxAge = options.cacheMaxAgeMs ?? 600_000;
  const timeout = options.timeoutMs ?? 5_000;
  const key = `${options.jwksUrl} ${cooldown} ${maxAge} ${timeout}`;
  let set = keySets.get(key);
  if (!set) {
    // jose fetches with the global fetch, which trusts NODE_EXTRA_CA_CERTS (e.g. the sandbox's CA).
    set = jose.createRemoteJWKSet(new URL(options.jwksUrl), {
      cooldownDuration: cooldown,
      cacheMaxAge: maxAge,
      timeoutDuration: timeout,
    });
    keySets.set(key, set);
  }
  return set;
}

/**
 * The key set's keys, falling back to the last keys it fetched when fetching again fails (timeout, network, HTTP
 * status): under a burst the refetch that jose makes when its cache is older than cacheMaxAge can time out, and
 * every callback waiting on it would otherwise be refused, and lost (ACS delivers a callback once). A token whose
 * key is not among the last keys still fails (unknown-key).
 */
function lastKeysOnFetchFailure(jose: Jose, set: KeySet): (...args: Parameters<KeySet>) => ReturnType<KeySet> {
  return async (...args) => {
    try {
      return await set(...args);
    } catch (error) {
      const last = set.jwks();
      if (!last || !isFetchFailure(jose, error)) throw error;
      return jose.createLocalJWKSet(last)(...args);
    }
  };
}

function isFetchFailure({ errors }: Jose, error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout) return true;
  // jose reports a non-200 answer as a bare JOSEError; its subclasses are verdicts on the token or the keys.
  if (error instanceof errors.JOSEError) return error.constructor === errors.JOSEError;
  return true; // the fetch itself failed (network, TLS)
}

/** The keys to verify with from a JWKS: shared per URL and policy, the last keys kept when a refetch fails. */
export function verificationKeys(
  jose: Jose,
  options: Pick<CallbackTokenOptions, 'jwksUrl' | 'refetchCooldownMs' | 'cacheMaxAgeMs' | 'timeoutMs'>,
): (...args: Parameters<KeySet>) => ReturnType<KeySet> {
  return lastKeysOnFetchFailure(jose, keySetFor(jose, options));
}

/**
 * Fetches the callback keys ahead of the first callback (the app's start-up calls it, without waiting): a burst of
 * calls answered right after a start would otherwise all wait on one cold fetch, which can time out.
 */
export async function prefetchCallbackKeys(
  options: Pick<CallbackTokenOptions, 'jwksUrl' | 'refetchCooldownMs' | 'cacheMaxAgeMs' | 'timeoutMs'>,
): Promise<void> {
  const jose = await loadJose();
  await keySetFor(jose, options).reload();
}

/** The token from an `Authorization: Bearer <jwt>` header value. */
export function bearerToken(authorization: string | null | undefined): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) throw new CallbackTokenError('missing-token');
  return match[1];
}

/** Which check a jose verification failure is, as a reason safe to log. */
export function failureOf({ errors }: Jose, error: unknown): CallbackTokenFailure {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'wrong-issuer';
    if (error.claim === 'aud') return 'wrong-audience';
    if (error.claim === 'nbf') return 'not-yet-valid';
    if (error.reason === 'missing') return 'missing-claim';
    return 'malformed-token';
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm-not-allowed';
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
    return 'unknown-key';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad-signature';
  if (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    error instanceof errors.JOSENotSupported
  ) {
    return 'keys-unavailable';
  }
  if (error instanceof errors.JOSEError) return 'malformed-token';
  // Anything else is the JWKS fetch itself failing (network, TLS, HTTP status).
  return 'keys-unavailable';
}

/**
 * Verifies an ACS callback or media-connection token (the bare JWT or the whole Authorization header)
 * and returns its claims. RS256 only; iss, aud, exp required; nbf honoured; keys from the JWKS,
 * cached and refetched when a token names an unknown kid. Throws CallbackTokenError (an
 * UnauthorizedError) with the failed check as `reason`.
 */
export async function verifyCallbackToken(
  tokenOrHeader: string | null | undefined,
  options: CallbackTokenOptions,
): Promise<JWTPayload> {
  const token = /^Bearer\s/i.test(tokenOrHeader ?? '') ? bearerToken(tokenOrHeader) : (tokenOrHeader ?? '').trim();
  if (!token) throw new CallbackTokenError('missing-token');
  const jose = await loadJose();
  try {
    const { payload } = await jose.jwtVerify(token, verificationKeys(jose, options), {
      algorithms: ['RS256'],
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: ['exp', 'iss', 'aud'],
      clockTolerance: options.clockToleranceSeconds ?? 60,
    });
    return payload;
  } catch (error) {
    throw new CallbackTokenError(failureOf(jose, error), error);
  }
}
