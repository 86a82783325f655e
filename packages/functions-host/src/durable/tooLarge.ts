import { EventType, failureFields, historyEvent } from './historyEvent';
import { PayloadTooLargeError, type StoredMessage } from './store';

// Table storage holds 1 MiB an entity. In Azure the Durable extension's storage provider moves large payloads to
// blobs; this host refuses what it cannot store instead, and never retries for ever a write that cannot succeed:
// an input or event from outside larger than MAX_PAYLOAD_CHARS is answered 413; an outcome too large to store
// (an activity's result, a sub-orchestration's output) reaches its orchestration as a failure it can handle;
// an orchestration whose own state cannot be stored fails. Each such message leaves a dead letter.

/** The largest input or event taken from outside: room for the rest of an episode in one entity. */
export const MAX_PAYLOAD_CHARS = 512 * 1024;

/** Refuses (PayloadTooLargeError) an input or event from outside too large to store. */
export function checkPayloadSize(json: string | undefined, what: string): void {
  if (json !== undefined && json.length > MAX_PAYLOAD_CHARS)
    throw new PayloadTooLargeError(
      `${what} is too large to store: ${json.length} characters, at most ${MAX_PAYLOAD_CHARS} (table storage holds 1 MiB an entity).`,
    );
}

/** The failure an orchestration is told instead of an outcome too large to store; undefined for other messages. */
export function asFailure(message: StoredMessage, error: PayloadTooLargeError): StoredMessage | undefined {
  const event = message.event;
  const kind =
    event.EventType === EventType.TaskCompleted
      ? { failed: EventType.TaskFailed, what: "The activity's result" }
      : event.EventType === EventType.SubOrchestrationInstanceCompleted
        ? { failed: EventType.SubOrchestrationInstanceFailed, what: "The sub-orchestration's output" }
        : undefined;
  if (!kind) return undefined;
  const reason = `${kind.what} is too large to store: ${error.message}`;
  return {
    ...message,
    event: historyEvent(kind.failed, { TaskScheduledId: event.TaskScheduledId, ...failureFields(new Error(reason)) }),
  };
}

/** A message's event with its payload dropped, for the history of an orchestration failed because of it. */
export function withoutPayload(message: StoredMessage): StoredMessage {
  const { Input: _input, Result: _result, ...rest } = message.event;
  return { ...message, event: { ...rest, ...('Input' in message.event ? { Input: null } : {}) } };
}
