import { z } from 'zod';
import { E164, type Flow } from '../flows/flowSchema';

/** An E.164 phone number in a request body. */
export const phoneNumber = z.string().regex(E164, 'must be an E.164 number like +14255550123');

export type BodyResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses a JSON request body against a schema; the error names every field that is wrong. */
export function parseJsonBody<T extends z.ZodTypeAny>(text: string, schema: T): BodyResult<z.infer<T>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'The body must be JSON.' };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    return {
      ok: false,
      error: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    };
  return { ok: true, value: parsed.data };
}

/** The number an outbound call shows: the one asked for, else the flow's own number or SMS sender. */
export function callerNumberFor(flow: Flow, explicit?: string): string | undefined {
  return explicit ?? flow.numbers?.[0] ?? (flow.sms as { from?: string } | undefined)?.from;
}
