import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { Config } from '../config';
import { authorizeApi } from './apiAuth';
import { maskPhoneNumbers } from './maskPhoneNumbers';
import { firstDisallowed, type RateCaps } from './outboundPolicy';

// The HTTP answers of the API guards, one clear 4xx each: 401 no valid token, 403 wrong role or a
// destination outside the allow-list, 413 a campaign over the size cap, 429 over a rate cap; and 503 when a token
// cannot be checked at all (the identity provider's keys unreachable).

export type Guarded = { ok: true; caller: string } | { ok: false; response: HttpResponseInit };

/** What the guards need from the app's services. */
export interface GuardDeps {
  config: Config;
  rateCaps: RateCaps;
}

export async function requireRole(request: HttpRequest, services: GuardDeps, role: string): Promise<Guarded> {
  const auth = await authorizeApi(request, services.config, role);
  if (auth.ok) return auth;
  return { ok: false, response: { status: auth.status, headers: auth.headers, jsonBody: { error: auth.error } } };
}

/** Refuses outbound calls to `destinations` that the settings do not allow, or over a rate cap. */
export async function refuseOutbound(
  services: GuardDeps,
  caller: string,
  destinations: string[],
): Promise<HttpResponseInit | undefined> {
  const { api } = services.config;
  if (destinations.length > api.campaignMaxContacts) {
    return {
      status: 413,
      jsonBody: {
        error: `A campaign may call at most ${api.campaignMaxContacts} contacts (CAMPAIGN_MAX_CONTACTS); this one has ${destinations.length}.`,
      },
    };
  }
  const blocked = firstDisallowed(destinations, api.allowedPrefixes);
  if (blocked !== undefined) {
    return {
      status: 403,
      jsonBody: {
        error: api.allowedPrefixes.length
          ? `Calls to ${maskPhoneNumbers(blocked)} are not allowed: only numbers starting ${api.allowedPrefixes.join(', ')} (OUTBOUND_ALLOWED_PREFIXES).`
          : 'Outbound calls are not allowed: OUTBOUND_ALLOWED_PREFIXES is empty.',
      },
    };
  }
  const rate = await services.rateCaps.take(caller, {
    perCaller: api.callsPerMinutePerCaller,
    global: api.callsPerMinute,
  });
  if (!rate.ok) {
    const limit = rate.scope === 'caller' ? api.callsPerMinutePerCaller : api.callsPerMinute;
    return {
      status: 429,
      headers: { 'retry-after': String(rate.retryAfterSeconds) },
      jsonBody: {
        error:
          rate.scope === 'caller'
            ? `Too many requests from this caller: at most ${limit} a minute (CALLS_PER_MINUTE_PER_CALLER).`
            : `Too many requests to place calls: at most ${limit} a minute for the app (CALLS_PER_MINUTE).`,
      },
    };
  }
  return undefined;
}
