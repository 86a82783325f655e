// The Durable Task history as the durable-functions library reads it (lib/src/history): numbers, field
// names and JSON-string payloads exactly as the Durable extension sends them to out-of-process workers.

export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
} as const;

export interface HistoryEvent {
  EventType: number;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  [field: string]: unknown;
}

export function historyEvent(
  type: number,
  fields: Record<string, unknown> = {},
  eventId = -1,
  at = new Date(),
): HistoryEvent {
  return { EventType: type, EventId: eventId, IsPlayed: false, Timestamp: at.toISOString(), ...fields };
}

export interface FailureDetails {
  ErrorType: string;
  ErrorMessage: string;
  StackTrace?: string;
}

/** How a thrown activity error travels: Reason/Details for old readers, FailureDetails for new ones. */
export function failureFields(error: unknown): { Reason: string; Details: string; FailureDetails: FailureDetails } {
  const err = error instanceof Error ? error : new Error(String(error));
  let details: FailureDetails = { ErrorType: err.name || 'Error', ErrorMessage: err.message, StackTrace: err.stack };
  // wrapActivityHandler may put serialized failure details (with custom properties) in the message.
  try {
    const parsed = JSON.parse(err.message) as Partial<FailureDetails>;
    if (parsed && typeof parsed.ErrorMessage === 'string') details = { ...details, ...parsed };
  } catch {
    // a plain message
  }
  return { Reason: details.ErrorMessage, Details: details.StackTrace ?? '', FailureDetails: details };
}
