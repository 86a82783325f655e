// The one error module: every error Switchboard raises on purpose is a SwitchboardError, so callers can
// tell expected failures (bad input, a remote service saying no) from bugs, and logs can tell what is
// safe to send to telemetry (messages here never carry personal data unless `containsPii` says so).

export type ErrorCode =
  'config' | 'validation' | 'not_found' | 'unauthorized' | 'conflict' | 'remote' | 'unsupported' | 'internal';

export interface SwitchboardErrorOptions {
  cause?: unknown;
  /** A remote call that failed this way may succeed if tried again. */
  retryable?: boolean;
  /** The message mentions user data (a file path is fine; a phone number is not). */
  containsPii?: boolean;
  /** Extra structured detail, e.g. the list of problems found in a file. */
  details?: readonly string[];
}

export class SwitchboardError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly containsPii: boolean;
  readonly details: readonly string[];

  constructor(code: ErrorCode, message: string, options: SwitchboardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.containsPii = options.containsPii ?? false;
    this.details = options.details ?? [];
  }
}

/** App settings are missing or malformed; raised once at start-up. */
export class ConfigError extends SwitchboardError {
  constructor(problems: readonly string[]) {
    super('config', `Invalid app settings:\n  - ${problems.join('\n  - ')}`, { details: problems });
  }
}

/** Input from outside (an event, a request body, a flow file) is not what it must be. */
export class ValidationError extends SwitchboardError {
  constructor(message: string, options: SwitchboardErrorOptions = {}) {
    super('validation', message, options);
  }
}

export class NotFoundError extends SwitchboardError {
  constructor(message: string, options: SwitchboardErrorOptions = {}) {
    super('not_found', message, options);
  }
}

export class UnauthorizedError extends SwitchboardError {
  constructor(message: string, options: SwitchboardErrorOptions = {}) {
    super('unauthorized', message, options);
  }
}

export class ConflictError extends SwitchboardError {
  constructor(message: string, options: SwitchboardErrorOptions = {}) {
    super('conflict', message, options);
  }
}

/** A remote service (ACS, Azure AI, storage) answered with an error or not at all. */
export class RemoteServiceError extends SwitchboardError {
  readonly status?: number;
  constructor(message: string, options: SwitchboardErrorOptions & { status?: number } = {}) {
    super('remote', message, options);
    this.status = options.status;
  }
}

export class UnsupportedError extends SwitchboardError {
  constructor(message: string, options: SwitchboardErrorOptions = {}) {
    super('unsupported', message, options);
  }
}

/** Anything thrown (a string, an object, an Error) as an Error, without losing what it was. */
export function ensureError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'string') return new Error(value);
  try {
    return new Error(JSON.stringify(value));
  } catch {
    return new Error(String(value));
  }
}

/** A message that is safe to log or return to a caller: PII-bearing messages are replaced. */
export function safeMessage(value: unknown): string {
  if (value instanceof SwitchboardError && value.containsPii) return `${value.name} (${value.code})`;
  return ensureError(value).message;
}

/** HTTP statuses with which a remote service refuses a request for good: sending it again changes nothing. */
const PERMANENT_STATUSES = new Set([400, 404, 409, 410, 413, 422]);

/**
 * Whether a failure can never be fixed by delivering the same event again: input that is not what it must be,
 * or a remote service (ACS) refusing it for good (an expired incomingCallContext, an unknown call). Throttling,
 * timeouts, 5xx and storage outages are not: a retry may succeed.
 */
export function isPermanentFailure(error: unknown): boolean {
  if (error instanceof ValidationError) return true;
  if (error instanceof SwitchboardError) return false;
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && PERMANENT_STATUSES.has(status);
}

/**
 * Handles one event that may be poison. A failure no redelivery can fix is reported (its reason, safe to
 * log) and the event counts as handled, so Event Grid stops retrying it; anything else is rethrown so the
 * sender delivers again.
 */
export async function dropIfInvalid<T>(
  handle: () => Promise<T>,
  onInvalid: (reason: string) => void | Promise<void>,
): Promise<T | undefined> {
  try {
    return await handle();
  } catch (error) {
    if (!isPermanentFailure(error)) throw error;
    await onInvalid(safeMessage(error));
    return undefined;
  }
}
