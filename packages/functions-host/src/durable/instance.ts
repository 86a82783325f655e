import type { RetryOptions, Signature } from './actions';
import { EventType, type HistoryEvent } from './historyEvent';
import type { InstanceRecord, RuntimeStatus, StoredMessage } from './store';

// One orchestration instance as the engine holds it in memory, and the host's own bookkeeping that
// persists with it (task numbering, action signatures for the nondeterminism check, retries).

export interface RetryState {
  kind: 'activity' | 'orchestration';
  name: string;
  inputJson?: string;
  options: RetryOptions;
  failures: number;
  attemptId: number;
  instanceId?: string;
}

export interface HostState {
  nextId: number;
  sigs: Signature[];
  /** By the task id of the retried action. */
  retries: Record<number, RetryState>;
  /** Attempt task id -> retried action id; retry timer id -> retried action id. */
  attemptOf: Record<number, number>;
  timerOf: Record<number, number>;
  canceled: number[];
}

export interface Instance {
  record: InstanceRecord;
  host: HostState;
  history: HistoryEvent[];
  queue: StoredMessage[];
  busy: boolean;
  /** Armed durable timers by timer id (the clock's handles). */
  timers: Map<number, unknown>;
  /** Task and timer ids whose outcome history already holds: a second outcome is a duplicate. */
  answered: Set<number>;
  /** Its first episode is running and has not committed: the commit creates the instance. */
  creating?: boolean;
}

/** What the orchestrator function returned for one replay (the library's OrchestratorState). */
export interface OrchestratorState {
  isDone: boolean;
  actions: unknown;
  output?: unknown;
  error?: string;
  customStatus?: unknown;
}

export const TERMINAL: readonly RuntimeStatus[] = ['Completed', 'Failed', 'Terminated'];
export const isTerminal = (status: RuntimeStatus): boolean => TERMINAL.includes(status);

export const parseJson = (json: string | undefined): unknown =>
  json === undefined || json === '' ? undefined : JSON.parse(json);

/** A failed instance's output for a message: the error text when it is a string, else the JSON itself. */
export const outputText = (json: string | undefined): string => {
  const value = parseJson(json);
  return typeof value === 'string' ? value : (json ?? '');
};

export const emptyHost = (): HostState => ({
  nextId: 0,
  sigs: [],
  retries: {},
  attemptOf: {},
  timerOf: {},
  canceled: [],
});

let seqCounter = 0;
/** Message order: time, then arrival within the process. Start messages prefix "0" so they sort first. */
export const nextSeq = (now: Date): string =>
  `1${now.getTime().toString().padStart(15, '0')}${(seqCounter++ % 1e6).toString().padStart(6, '0')}`;

/** The task or timer id an outcome event answers, if it is one. */
export function answeredId(event: HistoryEvent): number | undefined {
  switch (event.EventType) {
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed:
      return event.TaskScheduledId as number;
    case EventType.TimerFired:
      return event.TimerId as number;
    default:
      return undefined;
  }
}

/** Activity inputs: the library pre-serialises strings (processInput) and leaves other values as they are. */
export function serializeInput(input: unknown): string | undefined {
  if (input === undefined) return undefined;
  return typeof input === 'string' ? input : JSON.stringify(input);
}
