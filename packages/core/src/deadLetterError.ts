import { CorruptAudioError } from '@switchboard/audio/wav';
import { ValidationError, type SwitchboardErrorOptions } from './errors';

/** Why an input can never be processed, whatever the retries: the lead maps these to `deadletter/`. */
export type DeadLetterReason =
  'invalid_json' | 'invalid_document' | 'unsupported_schema_version' | 'empty_transcript' | 'corrupt_audio';

/**
 * A poison input (as opposed to a transient failure): retrying cannot help, so the caller moves the input
 * to `deadletter/` with `reason` and carries on. Messages name the field that is wrong, never its value.
 */
export class DeadLetterError extends ValidationError {
  readonly reason: DeadLetterReason;
  readonly deadLetter = true as const;

  constructor(reason: DeadLetterReason, message: string, options: SwitchboardErrorOptions = {}) {
    super(message, { ...options, retryable: false });
    this.reason = reason;
  }
}

/** A poison input: the pipeline's own DeadLetterError, or audio the audio package found corrupt. */
export function isDeadLetterError(value: unknown): value is DeadLetterError | CorruptAudioError {
  return value instanceof DeadLetterError || value instanceof CorruptAudioError;
}
