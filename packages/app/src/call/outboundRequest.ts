import { z } from 'zod';
import { E164, type Flow } from '../flows/flowSchema';

/** An E.164 phone number in a request body. */
export const phoneNumber = z.string().regex(E164, 'must be an E.164 number like +14255550123');

/** POST /api/calls */
export const placeCallBody = z.strictObject({
  to: phoneNumber,
  from: phoneNumber.optional(),
  flow: z.string().min(1),
  variables: z.record(z.string(), z.string()).optional(),
  ringTimeoutSeconds: z.number().int().min(5).max(120).optional(),
});

export type BodyResult<T> = { ok: true; value: T } | { ok: false; status: 400 | 413; error: string };

/** Request bodies the app accepts by default: a call's request is small; storage refuses big orchestration inputs. */
export const MAX_REQUEST_BYTES = 64 * 1024;

/**
 * Parses a JSON request body against a schema; the error names every field that is wrong. A body over
 * `maxBytes` is refused (413) before anything is parsed or stored.
 */
export function parseJsonBody<T extends z.ZodTypeAny>(
  text: string,
  schema: T,
  maxBytes = MAX_REQUEST_BYTES,
): BodyResult<z.infer<T>> {
  const size = Buffer.byteLength(text);
  if (size > maxBytes)
    return { ok: false, status: 413, error: `The body is too large: ${size} bytes, at most ${maxBytes}.` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, error: 'The body must be JSON.' };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    return {
      ok: false,
      status: 400,
      error: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    };
  return { ok: true, value: parsed.data };
}

/** The number an outbound call shows: the one asked for, else the flow's own number or SMS sender. */
export function callerNumberFor(flow: Flow, explicit?: string): string | undefined {
  return explicit ?? flow.numbers?.[0] ?? (flow.sms as { from?: string } | undefined)?.from;
}
