import { RemoteServiceError } from '@switchboard/core/errors';

// The realtime services' `error` events, as both SDK providers handle them. Most are recoverable and the
// session stays open (the Voice Live TypeSpec says so of ServerEventError); a provider ends the session only
// when its socket fails or closes, or the service ends the session itself (session_expired). Before the session
// is configured, any error answers our session.update: the service refused a setting.

/** The parts of an error event that are safe to log: codes and the parameter's path, never the message. */
export interface ServerErrorDetail {
  type?: string;
  code?: string | null;
  param?: string | null;
}

/** Why a model session could not go on, as a reason code the orchestration records. */
export type ModelFailureReason = 'model-session-rejected' | 'model-session-expired' | 'model-dropped';

export class ModelSessionError extends RemoteServiceError {
  constructor(
    readonly reason: ModelFailureReason,
    message: string,
    readonly detail: ServerErrorDetail = {},
  ) {
    super(message, { retryable: reason !== 'model-session-rejected' });
  }
}

/** The error a cancel gets when the response already finished or server VAD cancelled it first: expected. */
const CANCEL_RACE = 'response_cancel_not_active';
const EXPIRED = 'session_expired';

export function detailOf(error: { type?: string; code?: string | null; param?: string | null }): ServerErrorDetail {
  return { type: error.type, code: error.code ?? undefined, param: error.param ?? undefined };
}

/** What to do with a server error once the session runs. */
export function afterStart(detail: ServerErrorDetail): 'ignore' | 'expired' | 'log' {
  if (detail.code === CANCEL_RACE) return 'ignore';
  if (detail.code === EXPIRED) return 'expired';
  return 'log';
}

/** Waits for the service to acknowledge the session's configuration (session.updated) or refuse it. */
export class SessionAcknowledgement {
  private settled = false;
  private resolve!: () => void;
  private reject!: (error: Error) => void;
  readonly done = new Promise<void>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });

  get pending(): boolean {
    return !this.settled;
  }

  acknowledged(): void {
    this.settle(() => this.resolve());
  }

  refused(detail: ServerErrorDetail): void {
    this.settle(() =>
      this.reject(
        new ModelSessionError('model-session-rejected', 'the model service refused the session settings', detail),
      ),
    );
  }

  failed(error: Error): void {
    this.settle(() => this.reject(error));
  }

  private settle(fn: () => void): void {
    if (this.settled) return;
    this.settled = true;
    fn();
  }
}
