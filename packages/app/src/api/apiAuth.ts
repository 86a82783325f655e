import type { HttpRequest } from '@azure/functions';
import type { Config } from '../config';
import { bearerToken, failureOf, loadJose, verificationKeys } from '@switchboard/core/acs/verifyCallbackToken';

// The APIs that place calls or read them require a Microsoft Entra ID access token for this API (its
// Application ID URI as audience) carrying an app role, on top of the function key. Verified here in
// code (issuer, audience, expiry, RS256 signature from the tenant's published keys): Easy Auth is not
// assumed, and the sandbox points the same code at a local issuer by settings only.

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

export type ApiAuthResult =
  { ok: true; caller: string } | { ok: false; status: 401 | 403 | 503; error: string; headers: Record<string, string> };

/** Checks the request's bearer token for `role`; the caller id is the token's object id (or app id). */
export async function authorizeApi(request: HttpRequest, config: Config, role: string): Promise<ApiAuthResult> {
  const challenge = { 'www-authenticate': `Bearer realm="switchboard", error="invalid_token"` };
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
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jose.jwtVerify(token, verificationKeys(jose, { jwksUrl: config.api.jwksUrl }), {
      algorithms: ['RS256'],
      issuer: config.api.issuer,
      audience: config.api.audience,
      requiredClaims: ['exp', 'iss', 'aud'],
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
    return { ok: false, status: 401, error: `The bearer token was rejected (${reason}).`, headers: challenge };
  }
  const roles = Array.isArray(payload.roles) ? payload.roles : [];
  if (!roles.includes(role))
    return { ok: false, status: 403, error: `The token lacks the app role "${role}".`, headers: {} };
  const caller = [payload.oid, payload.azp, payload.appid, payload.sub].find((v) => typeof v === 'string');
  return { ok: true, caller: String(caller ?? 'unknown') };
}
