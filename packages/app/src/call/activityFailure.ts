// The failure envelope of the call-flow activities. A Durable activity's error reaches the orchestration only
// as its message, so the message starts with one JSON object: what failed (`code`) and whether repeating the
// request can help (`retryable`: ACS answered 429 or 5xx, or nothing). Every activity failure has this shape;
// the orchestration branches on it, never on the free text after it.

export interface ActivityFailure {
  /** e.g. `acs.play.503`, `acs.answer.unreachable`: the operation and what ACS answered. */
  code: string;
  retryable: boolean;
}

const PREFIX = 'ActivityFailure';

/** The message an activity throws with: the envelope, then a readable explanation (no personal data). */
export function activityFailureMessage(failure: ActivityFailure, explanation: string): string {
  return `${PREFIX} ${JSON.stringify(failure)} ${explanation}`;
}

/** The envelope of an activity's failure as the orchestration sees it; undefined for any other error. */
export function activityFailureOf(error: unknown): ActivityFailure | undefined {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  const start = message.indexOf(`${PREFIX} {`);
  if (start < 0) return undefined;
  const json = message.slice(start + PREFIX.length + 1, message.indexOf('}', start) + 1);
  try {
    const parsed = JSON.parse(json) as Partial<ActivityFailure>;
    return typeof parsed.code === 'string' && typeof parsed.retryable === 'boolean'
      ? { code: parsed.code, retryable: parsed.retryable }
      : undefined;
  } catch {
    return undefined;
  }
}
