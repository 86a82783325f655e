import { ValidationError } from '@switchboard/core/errors';

// An IncomingCall's incomingCallContext is what :answer, :redirect and :reject take. ACS issues it as an
// unsigned JWT (header, payload, empty signature) whose payload carries the call's context and a signed token
// with its expiry. A context without that shape, or one past its expiry, can never be answered, so the app
// refuses it without asking ACS: a batch of such events costs no requests and stays inside Event Grid's
// 30 s delivery timeout. Nothing here trusts the context: ACS still decides whether it is genuine.

/** Clock skew allowed before an expiry counts. */
const LEEWAY_SECONDS = 60;

/** Throws a ValidationError when the context is not one ACS issues, or has expired. */
export function checkIncomingCallContext(context: string, now = new Date()): void {
  const payload = jwtPayload(context);
  if (!payload)
    throw new ValidationError('IncomingCall incoming call context is malformed: it is not a token ACS issues.');
  const expiry = expiryOf(payload);
  if (expiry !== undefined && expiry + LEEWAY_SECONDS < now.getTime() / 1000)
    throw new ValidationError('IncomingCall incoming call context has expired: the call can no longer be answered.');
}

/** The payload of `header.payload.signature` when header and payload are base64url JSON objects. */
function jwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload] = parts.slice(0, 2).map(jsonObject);
  return header && payload ? payload : undefined;
}

function jsonObject(part: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The earliest `exp` of the payload or of a token nested in it (seconds since the epoch). */
function expiryOf(payload: Record<string, unknown>): number | undefined {
  const expiries: number[] = [];
  if (typeof payload.exp === 'number') expiries.push(payload.exp);
  for (const value of Object.values(payload)) {
    const nested = typeof value === 'string' && value.includes('.') ? jwtPayload(value) : undefined;
    if (typeof nested?.exp === 'number') expiries.push(nested.exp);
  }
  return expiries.length ? Math.min(...expiries) : undefined;
}
