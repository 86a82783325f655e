// Every request, callback, Event Grid delivery and world action, in order, with timestamps. Tests and the
// console read it (HTTP, WebSocket) and wait on it instead of sleeping.

export type TimelineKind =
  | 'request'
  | 'callback'
  | 'callbackDelivery'
  | 'eventGrid'
  | 'eventGridDelivery'
  | 'world'
  /** A failure inside the emulator (a bug): reported here instead of crashing or vanishing. */
  | 'error';

export interface TimelineEntry {
  seq: number;
  time: string;
  kind: TimelineKind;
  /** Short event or action name: `CallConnected`, `Microsoft.Communication.IncomingCall`, `pressDigits`, ... */
  type?: string;
  callConnectionId?: string;
  serverCallId?: string;
  method?: string;
  path?: string;
  operation?: string;
  status?: number;
  error?: string;
  attempt?: number;
  subscriptionId?: string;
  data?: unknown;
}

export interface TimelineFilter {
  kind?: TimelineKind;
  type?: string;
  callConnectionId?: string;
  serverCallId?: string;
  operation?: string;
  subscriptionId?: string;
  /** Only entries with seq greater than this. */
  since?: number;
}

interface Waiter {
  filter: TimelineFilter;
  resolve(entry: TimelineEntry): void;
}

export function matches(entry: TimelineEntry, filter: TimelineFilter): boolean {
  return (
    (filter.since === undefined || entry.seq > filter.since) &&
    (filter.kind === undefined || entry.kind === filter.kind) &&
    (filter.type === undefined || entry.type === filter.type) &&
    (filter.callConnectionId === undefined || entry.callConnectionId === filter.callConnectionId) &&
    (filter.serverCallId === undefined || entry.serverCallId === filter.serverCallId) &&
    (filter.operation === undefined || entry.operation === filter.operation) &&
    (filter.subscriptionId === undefined || entry.subscriptionId === filter.subscriptionId)
  );
}

export class Timeline {
  private readonly entries: TimelineEntry[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Set<(entry: TimelineEntry) => void>();
  private seq = 0;

  constructor(private readonly limit: number) {}

  add(entry: Omit<TimelineEntry, 'seq' | 'time'>): TimelineEntry {
    const full: TimelineEntry = { seq: ++this.seq, time: new Date().toISOString(), ...entry };
    this.entries.push(full);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    for (const waiter of [...this.waiters]) {
      if (matches(full, waiter.filter)) {
        this.waiters.delete(waiter);
        waiter.resolve(full);
      }
    }
    for (const listener of this.listeners) {
      try {
        listener(full);
      } catch {
        // A broken listener (e.g. a closed socket) must not stop the timeline.
      }
    }
    return full;
  }

  list(filter: TimelineFilter = {}): TimelineEntry[] {
    return this.entries.filter((e) => matches(e, filter));
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** The first entry matching the filter, past or future; undefined on timeout. */
  waitFor(filter: TimelineFilter, timeoutMs: number): Promise<TimelineEntry | undefined> {
    const past = this.entries.find((e) => matches(e, filter));
    if (past) return Promise.resolve(past);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        filter,
        resolve: (entry) => {
          clearTimeout(timer);
          resolve(entry);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(undefined);
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  subscribe(listener: (entry: TimelineEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    for (const waiter of this.waiters) waiter.resolve(undefined as unknown as TimelineEntry);
    this.waiters.clear();
    this.listeners.clear();
  }
}
