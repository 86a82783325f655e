// A stand-in for an app's callback endpoint: records every Call Automation callback (parsed by the SDK's
// own parser) with its Authorization header, and lets tests wait for one with a timeout.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseCallAutomationEvent, type CallAutomationEvent } from '@azure/communication-call-automation';

export interface ReceivedCallback {
  event: CallAutomationEvent;
  raw: unknown[];
  headers: IncomingHttpHeaders;
  path: string;
}

export class CallbackSink {
  readonly received: ReceivedCallback[] = [];
  private readonly waiters = new Set<() => void>();
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          const text = Buffer.concat(chunks).toString('utf8');
          const raw = JSON.parse(text) as unknown[];
          this.received.push({
            event: parseCallAutomationEvent(text),
            raw,
            headers: req.headers,
            path: req.url ?? '/',
          });
          for (const wake of [...this.waiters]) wake();
          res.writeHead(200).end();
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/callbacks`;
    return this;
  }

  kinds(callConnectionId?: string): string[] {
    return this.events(callConnectionId).map((e) => e.kind);
  }

  events(callConnectionId?: string): CallAutomationEvent[] {
    return this.received
      .map((r) => r.event)
      .filter((e) => !callConnectionId || e.callConnectionId === callConnectionId);
  }

  /** The first callback of this kind (for this call) that satisfies `predicate`, already received or to come. */
  waitFor<K extends CallAutomationEvent['kind']>(
    kind: K,
    callConnectionId?: string,
    timeoutMs = 10_000,
    predicate: (e: Extract<CallAutomationEvent, { kind: K }>) => boolean = () => true,
  ): Promise<Extract<CallAutomationEvent, { kind: K }>> {
    type E = Extract<CallAutomationEvent, { kind: K }>;
    return this.until(
      () => this.events(callConnectionId).find((e) => e.kind === kind && predicate(e as E)) as E | undefined,
      timeoutMs,
      `a ${kind} callback`,
      callConnectionId,
    );
  }

  /** Waits until `count` callbacks of this kind arrived for the call; returns them in order. */
  waitForCount(
    kind: CallAutomationEvent['kind'],
    count: number,
    callConnectionId?: string,
    timeoutMs = 10_000,
  ): Promise<CallAutomationEvent[]> {
    return this.until(
      () => {
        const found = this.events(callConnectionId).filter((e) => e.kind === kind);
        return found.length >= count ? found : undefined;
      },
      timeoutMs,
      `${count} ${kind} callbacks`,
      callConnectionId,
    );
  }

  private until<T>(check: () => T | undefined, timeoutMs: number, what: string, callConnectionId?: string): Promise<T> {
    const found = check();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(
          new Error(`No ${what} within ${timeoutMs} ms (got ${this.kinds(callConnectionId).join(', ') || 'none'})`),
        );
      }, timeoutMs);
      const wake = (): void => {
        const result = check();
        if (result === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(result);
      };
      this.waiters.add(wake);
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }
}
