// The durable-functions library re-emits every action it ever scheduled on each replay, nesting the
// children of Task.any/Task.all. The host flattens them in the library's own order and numbers new
// ones as the library does (TaskOrchestrationExecutor.trackOpenTask), so ids match completions.

export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

export const ACTION_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(ActionType).map(([k, v]) => [v, k]),
);

export interface Action {
  actionType: number;
  functionName?: string;
  externalEventName?: string;
  input?: unknown;
  instanceId?: string;
  fireAt?: Date | string;
  isCanceled?: boolean;
  retryOptions?: RetryOptions;
  compoundActions?: Action[];
}

export interface RetryOptions {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
}

/** A leaf action's identity for the nondeterminism check. */
export interface Signature {
  t: number;
  n: string;
  /** The task id the host gave it (none for external-event waits). */
  id?: number;
}

/** Leaf actions depth-first; an action object that appears twice (a task awaited again) counts once. */
export function flattenActions(actions: unknown): Action[] {
  const seen = new Set<Action>();
  const leaves: Action[] = [];
  const visit = (action: Action) => {
    if (action.compoundActions) {
      for (const child of action.compoundActions) visit(child);
      return;
    }
    if (seen.has(action)) return;
    seen.add(action);
    leaves.push(action);
  };
  const groups = Array.isArray(actions) ? (actions as unknown[]) : [];
  for (const group of groups)
    for (const action of Array.isArray(group) ? (group as Action[]) : [group as Action]) visit(action);
  return leaves;
}

export function signatureOf(action: Action): Signature {
  return { t: action.actionType, n: action.functionName ?? action.externalEventName ?? '' };
}

export function describe(sig: Signature): string {
  const kind = ACTION_NAMES[sig.t] ?? `action ${sig.t}`;
  return sig.n ? `${kind} "${sig.n}"` : kind;
}

/** The delay before retry number `failures` (1-based), per the library's RetryOptions. */
export function retryDelayMs(options: RetryOptions, failures: number): number {
  const coefficient = options.backoffCoefficient && options.backoffCoefficient > 0 ? options.backoffCoefficient : 1;
  const delay = options.firstRetryIntervalInMilliseconds * Math.pow(coefficient, failures - 1);
  const max =
    options.maxRetryIntervalInMilliseconds && options.maxRetryIntervalInMilliseconds > 0
      ? options.maxRetryIntervalInMilliseconds
      : Infinity;
  return Math.min(delay, max);
}
