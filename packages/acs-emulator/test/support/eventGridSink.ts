// A stand-in for an Event Grid webhook: answers the validation handshake, records events, and can be told
// to fail its first N deliveries (to exercise retries).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventGridEvent } from '../../src/eventGrid/eventGridPublisher';

/** The emulator's Event Grid event, with data as an object tests can read fields of. */
export type EventGridEnvelope = Omit<EventGridEvent, 'data'> & { data: Record<string, unknown> };

export class EventGridSink {
  readonly events: Array<{ event: EventGridEnvelope; headers: IncomingHttpHeaders }> = [];
  validations = 0;
  failNext = 0;
  failStatus = 500;
  answerValidation = true;
  private readonly waiters = new Set<() => void>();
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const batch = JSON.parse(Buffer.concat(chunks).toString('utf8')) as EventGridEnvelope[];
        const first = batch[0];
        if (first?.eventType === 'Microsoft.EventGrid.SubscriptionValidationEvent') {
          this.validations += 1;
          if (!this.answerValidation) {
            res.writeHead(403).end();
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ validationResponse: (first.data as { validationCode: string }).validationCode }));
          return;
        }
        if (this.failNext > 0) {
          this.failNext -= 1;
          res.writeHead(this.failStatus).end();
          return;
        }
        for (const event of batch) this.events.push({ event, headers: req.headers });
        for (const wake of [...this.waiters]) wake();
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/runtime/webhooks/eventgrid`;
    return this;
  }

  ofType(eventType: string): EventGridEnvelope[] {
    return this.events.map((e) => e.event).filter((e) => e.eventType === eventType);
  }

  /** The first event of the type that satisfies `predicate`, already received or to come. */
  async waitForMatch(
    eventType: string,
    predicate: (e: EventGridEnvelope) => boolean,
    timeoutMs = 10_000,
  ): Promise<EventGridEnvelope> {
    const find = () => this.ofType(eventType).find(predicate);
    const found = find();
    if (found) return found;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`No matching ${eventType} event within ${timeoutMs} ms`));
      }, timeoutMs);
      const wake = (): void => {
        const e = find();
        if (!e) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(e);
      };
      this.waiters.add(wake);
    });
  }

  /** Waits until `count` events of the type arrived; returns them. */
  async waitFor(eventType: string, count = 1, timeoutMs = 10_000): Promise<EventGridEnvelope[]> {
    if (this.ofType(eventType).length >= count) return this.ofType(eventType);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(
          new Error(`Only ${this.ofType(eventType).length} of ${count} ${eventType} events within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      const wake = (): void => {
        if (this.ofType(eventType).length < count) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(this.ofType(eventType));
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
