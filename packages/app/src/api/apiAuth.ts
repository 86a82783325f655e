import type { HttpRequest } from '@azure/functions';
import type { Config } from '../config';
import {
  bearerToken,
  failureOf,
  loadJose,
  verificationKeys,
  type CallbackTokenFailure,
  type JWTPayload,
} from '@switchboard/core/acs/verifyCallbackToken';

// The APIs that place calls or read them require a Microsoft Entra ID access token for the API's app
// registration carrying an app role. Verified here in code (RS256 signature from the tenant's published keys,
// expiry, then issuer, audience and tenant as Entra pairs them per token version): Easy Auth is not assumed, the
// functions are anonymous at the platform (docs/deploy.md), and the sandbox points the same code at a local
// issuer by API_AUTH_JWKS_URL only.

/** App roles defined on the API's app registration (docs/deploy.md). */
export const Roles = {
  /** Place calls and start campaigns. */
  place: 'Calls.Place',
  /** Read calls, campaigns and summaries. */
  read: 'Calls.Read',
  /** Send business-initiated SMS and WhatsApp messages from a messaging agent. */
  send: 'Messages.Send',
  /** Read conversation analytics: trends and answers over redacted history (docs/insights.md). */
  insightsRead: 'Insights.Read',
  /** Erase a customer's conversations (the right to erasure). */
  insightsAdmin: 'Insights.Admin',
} as const;

/** The delegated permission the API exposes, which a person's token (one with `scp`) must carry. */
export const DELEGATED_SCOPE = 'user_impersonation';

/** Why a token was refused, safe to log and to answer (no token content). */
export type ApiTokenFailure = CallbackTokenFailure | 'wrong-tenant' | 'unknown-version';

export type ApiAuthResult =
  { ok: true; caller: string } | { ok: false; status: 401 | 403 | 503; error: string; headers: Record<string, string> };

/**
 * What is wrong with a signed, unexpired token's issuer, audience and tenant, if anything. Entra issues v1.0
 * tokens (iss https://sts.windows.net/{tid}/, aud the App ID URI or the client id, whichever the client asked for)
 * unless the registration's accessTokenAcceptedVersion is 2, then v2.0 tokens (iss
 * https://login.microsoftonline.com/{tid}/v2.0, aud always the client id); no other pairing is Entra's.
 */
export function entraTokenProblem(payload: JWTPayload, api: Config['api']): ApiTokenFailure | undefined {
  if (payload.tid !== api.tenantId) return 'wrong-tenant';
  const audiences =
    payload.ver === '1.0' ? [api.appIdUri, api.clientId] : payload.ver === '2.0' ? [api.clientId] : undefined;
  if (!audiences) return 'unknown-version';
  if (payload.iss !== (payload.ver === '1.0' ? api.issuers.v1 : api.issuers.v2)) return 'wrong-issuer';
  if (typeof payload.aud !== 'string' || !audiences.includes(payload.aud)) return 'wrong-audience';
  return undefined;
}

/** Checks the request's bearer token for `role`; the caller id is the token's object id (or client app id). */
export async function authorizeApi(request: HttpRequest, config: Config, role: string): Promise<ApiAuthResult> {
  const challenge = { 'www-authenticate': `Bearer realm="switchboard", error="invalid_token"` };
  const refuse = (reason: ApiTokenFailure): ApiAuthResult => ({
    ok: false,
    status: 401,
    error: `The bearer token was rejected (${reason}).`,
    headers: challenge,
  });
  let token: string;
  try {
    token = bearerToken(request.headers.get('authorization'));
  } catch {
    return {
      ok: false,
      status: 401,
      error: 'An Entra ID bearer token is required (Authorization: Bearer ...).',
      headers: challenge,
    };
  }
  const jose = await loadJose();
  let payload: JWTPayload;
  try {
    ({ payload } = await jose.jwtVerify(token, verificationKeys(jose, { jwksUrl: config.api.jwksUrl }), {
      algorithms: ['RS256'],
      requiredClaims: ['exp', 'iss', 'aud', 'tid', 'ver'],
      clockTolerance: 60,
    }));
  } catch (error) {
    const reason = failureOf(jose, error);
    // The tenant's keys could not be fetched: the token may well be good, so not a 401; the caller retries.
    if (reason === 'keys-unavailable')
      return {
        ok: false,
        status: 503,
        error: "The API cannot check tokens right now: the identity provider's signing keys could not be fetched.",
        headers: { 'retry-after': '5' },
      };
    return refuse(reason);
  }
  const problem = entraTokenProblem(payload, config.api);
  if (problem) return refuse(problem);
  // A person's token (delegated, with scp) is for this API only through its exposed scope; the role is the
  // app role assigned to the person or, in an app-only token, granted to the client application.
  if (typeof payload.scp === 'string' && !payload.scp.split(' ').includes(DELEGATED_SCOPE))
    return { ok: false, status: 403, error: `The token lacks the delegated scope "${DELEGATED_SCOPE}".`, headers: {} };
  const roles = Array.isArray(payload.roles) ? payload.roles : [];
  if (!roles.includes(role))
    return { ok: false, status: 403, error: `The token lacks the app role "${role}".`, headers: {} };
  const caller = [payload.oid, payload.azp, payload.appid, payload.sub].find((v) => typeof v === 'string');
  return { ok: true, caller: String(caller ?? 'unknown') };
}
