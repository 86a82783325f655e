// Small readers for Call Automation request bodies that answer ACS's 400s for bad fields.
import { acsErrors } from '../errors';

export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw acsErrors.invalidBody(`'${field}' must be a string.`);
  return value;
}

/** A field read leniently, where the emulator answers bad values with an ACS failure event instead of a 400. */
export function stringOrEmpty(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function requiredString(body: Record<string, unknown>, field: string): string {
  const value = optionalString(body, field);
  if (!value) throw acsErrors.invalidBody(`'${field}' is required.`);
  return value;
}

/** An absolute http(s) URL, or ACS's 400. */
export function callbackUri(body: Record<string, unknown>, field = 'callbackUri', required = true): string | undefined {
  const value = required ? requiredString(body, field) : optionalString(body, field);
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {
    // fall through
  }
  throw acsErrors.invalidCallbackUri();
}

export function objectField(body: Record<string, unknown>, field: string): Record<string, unknown> | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw acsErrors.invalidBody(`'${field}' must be an object.`);
  return value as Record<string, unknown>;
}
