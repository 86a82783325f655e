// Delivers Call Automation callbacks: ONE CloudEvent per POST (a JSON array of one), each with a fresh
// RS256 JWT, in order per call connection, with a timeout; a slow or dead app never blocks the emulator.
import { randomUUID } from 'node:crypto';
import { postJson } from '../httpDelivery';
import type { Timeline } from '../timeline';
import type { TokenSigner } from '../tokenSigner';
import type { CallFaults } from './callFaults';

export interface CallbackEvent {
  /** Short type, e.g. `CallConnected` (sent as `Microsoft.Communication.CallConnected`). */
  type: string;
  callConnectionId: string;
  serverCallId: string;
  correlationId: string;
  data: Record<string, unknown>;
  /** Where to send it: the operation's callback URI or the call's. */
  callbackUri: string;
  /** The call's remote party (raw id), which faults injected through the control API are keyed by. */
  party?: string;
}

export interface CallbackSettings {
  issuer: string;
  audience: string;
  timeoutMs: number;
}

export class CallbackDispatcher {
  /** Tail of each call connection's delivery chain: deliveries to one call happen in order. */
  private readonly queues = new Map<string, Promise<void>>();
  private closed = false;

  constructor(
    private readonly signer: TokenSigner,
    private readonly timeline: Timeline,
    private readonly settings: CallbackSettings,
    private readonly faults?: CallFaults,
  ) {}

  send(event: CallbackEvent): void {
    if (this.closed) return;
    const publicEventType = `Microsoft.Communication.${event.type}`;
    const cloudEvent = {
      id: randomUUID(),
      source: `calling/callConnections/${event.callConnectionId}`,
      type: publicEventType,
      subject: `calling/callConnections/${event.callConnectionId}`,
      time: new Date().toISOString(),
      specversion: '1.0',
      datacontenttype: 'application/json',
      data: {
        version: '2026-03-12',
        callConnectionId: event.callConnectionId,
        serverCallId: event.serverCallId,
        correlationId: event.correlationId,
        ...event.data,
        publicEventType,
      },
    };
    this.timeline.add({
      kind: 'callback',
      type: event.type,
      callConnectionId: event.callConnectionId,
      serverCallId: event.serverCallId,
      data: cloudEvent.data,
    });
    if (this.faults?.losesCallback(event.party, event.type)) {
      // Sent, never received: what a delivery lost on the way looks like (ACS does not send it again).
      this.timeline.add({
        kind: 'callbackDelivery',
        type: event.type,
        callConnectionId: event.callConnectionId,
        serverCallId: event.serverCallId,
        error: 'lost (control fault)',
      });
      return;
    }
    const previous = this.queues.get(event.callConnectionId) ?? Promise.resolve();
    const next = previous.then(() => this.deliver(event, cloudEvent));
    this.queues.set(event.callConnectionId, next);
    void next.then(() => {
      if (this.queues.get(event.callConnectionId) === next) this.queues.delete(event.callConnectionId);
    });
  }

  private async deliver(event: CallbackEvent, cloudEvent: { id: string }): Promise<void> {
    if (this.closed) return;
    let token: string;
    try {
      token = await this.signer.sign({ iss: this.settings.issuer, aud: this.settings.audience }, 300);
    } catch {
      return;
    }
    const result = await postJson(
      event.callbackUri,
      [cloudEvent],
      { authorization: `Bearer ${token}` },
      this.settings.timeoutMs,
    );
    this.timeline.add({
      kind: 'callbackDelivery',
      type: event.type,
      callConnectionId: event.callConnectionId,
      serverCallId: event.serverCallId,
      status: result.status,
      error: result.error,
    });
  }

  /** Resolves when every queued delivery has been attempted (tests, shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.queues.values()]);
  }

  close(): void {
    this.closed = true;
  }
}
