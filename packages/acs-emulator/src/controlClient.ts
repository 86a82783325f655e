// Typed client of the emulator's control API: drives the PSTN world and waits on the timeline (with a
// timeout, never a sleep). Usable from another process: give it the controlUrl and the CA.
import { Agent, request as httpsRequest } from 'node:https';
import { createSecureContext } from 'node:tls';
import type { TimelineEntry, TimelineFilter } from './timeline';
import type { SmsRecord } from './sms/smsStore';
import type { AdvancedMessageRecord } from './messages/messagesStore';
import type { AgentBehaviour, SubscriptionOptions } from './options';

export interface CallSummary {
  serverCallId: string;
  callConnectionId?: string;
  correlationId: string;
  direction: 'inbound' | 'outbound';
  state: string;
  caller: { rawId: string };
  callee: { rawId: string };
  connectedTo?: { rawId: string };
  participants: Array<{ identifier: { rawId: string }; isMuted: boolean; isOnHold: boolean }>;
  incomingCallContext?: string;
  callbackPath?: string;
  createdAt: string;
  endedAt?: string;
}

export interface SubscriptionSummary {
  id: string;
  endpoint: string;
  eventTypes?: string[];
  maxDeliveryAttempts: number;
  validated: boolean;
}

/** An SMS as the emulator records it. */
export type SmsSummary = SmsRecord;

export class ControlApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`Control API answered ${status}: ${JSON.stringify(body)}`);
    this.name = 'ControlApiError';
  }
}

/** A control API answer as it came: its status, and its body parsed as JSON (the text when it is not JSON). */
export interface ControlReply {
  status: number;
  body: unknown;
}

export class AcsControlClient {
  private readonly agent: Agent;

  constructor(
    readonly controlUrl: string,
    /** The CA the emulator serves with; or an agent that carries it (a relay keeps its connections alive). */
    tls: { ca?: string; agent?: Agent } = {},
  ) {
    // Connections kept alive, and one TLS context for all of them: a load test's hundreds of concurrent waits
    // would otherwise each parse the CA again, in the process the emulator runs in.
    this.agent =
      tls.agent ??
      new Agent({ keepAlive: true, secureContext: tls.ca ? createSecureContext({ ca: tls.ca }) : undefined });
  }

  info(): Promise<Record<string, string>> {
    return this.call('GET', '');
  }

  /** A caller dials `to` from `from` (E.164 numbers or ACS user ids): Event Grid IncomingCall follows. */
  placeCall(request: {
    from: string;
    to: string;
    callerDisplayName?: string;
    customContext?: { sipHeaders?: Record<string, string>; voipHeaders?: Record<string, string> };
    /** Simulated ms this call rings unanswered before the caller gives up. */
    ringTimeoutMs?: number;
  }): Promise<CallSummary> {
    return this.call('POST', '/calls', request);
  }

  getCall(serverCallId: string): Promise<CallSummary> {
    return this.call('GET', `/calls/${encodeURIComponent(serverCallId)}`);
  }

  async listCalls(): Promise<CallSummary[]> {
    return (await this.call<{ value: CallSummary[] }>('GET', '/calls')).value;
  }

  /** The caller presses keys, e.g. "12#". */
  pressDigits(serverCallId: string, digits: string): Promise<void> {
    return this.call('POST', `/calls/${encodeURIComponent(serverCallId)}/digits`, { digits });
  }

  /** The caller says a phrase (speech, choices and speechOrDtmf recognizers hear it). */
  say(serverCallId: string, text: string): Promise<void> {
    return this.call('POST', `/calls/${encodeURIComponent(serverCallId)}/say`, { text });
  }

  /** The caller stays silent: the current (or next) recognize times out at once (RecognizeFailed 8510). */
  staySilent(serverCallId: string): Promise<void> {
    return this.call('POST', `/calls/${encodeURIComponent(serverCallId)}/silence`, {});
  }

  /** The caller hangs up, or `participant` (a number or user id added to the call) leaves it. */
  hangUp(serverCallId: string, participant?: string): Promise<void> {
    return this.call('POST', `/calls/${encodeURIComponent(serverCallId)}/hangup`, { participant });
  }

  /** The person at `target` (an agent configured `manual`) answers or rejects the call ringing them. */
  answerRinging(serverCallId: string, target: string, decision: 'answer' | 'reject'): Promise<void> {
    return this.call('POST', `/calls/${encodeURIComponent(serverCallId)}/ringing`, { target, decision });
  }

  /** How a number ("+1...") or ACS user id answers transfers, invitations and outbound calls. */
  configureAgent(key: string, behaviour: AgentBehaviour): Promise<void> {
    return this.call('PUT', `/agents/${encodeURIComponent(key)}`, behaviour);
  }

  setDefaultAgentBehaviour(behaviour: AgentBehaviour): Promise<void> {
    return this.call('PUT', '/agents/default', behaviour);
  }

  addSubscription(subscription: SubscriptionOptions): Promise<SubscriptionSummary> {
    return this.call('POST', '/subscriptions', subscription);
  }

  async listSubscriptions(): Promise<SubscriptionSummary[]> {
    return (await this.call<{ value: SubscriptionSummary[] }>('GET', '/subscriptions')).value;
  }

  removeSubscription(id: string): Promise<void> {
    return this.call('DELETE', `/subscriptions/${encodeURIComponent(id)}`);
  }

  /** An SMS from the world to one of the resource's numbers: Event Grid SMSReceived, `deliveries` times. */
  receiveSms(sms: { from: string; to: string; message: string; deliveries?: number }): Promise<{ messageId: string }> {
    return this.call('POST', '/sms', sms);
  }

  /** A WhatsApp user writes to a channel (the sandbox channel unless named): AdvancedMessageReceived. */
  writeWhatsApp(message: {
    from: string;
    content?: string;
    channelRegistrationId?: string;
    media?: { mimeType: string; data: string; fileName?: string };
  }): Promise<{ messageId: string }> {
    return this.call('POST', '/whatsapp/messages', message);
  }

  /** Every WhatsApp message in and out, with its delivery status. */
  async listWhatsApp(): Promise<AdvancedMessageRecord[]> {
    return (await this.call<{ value: AdvancedMessageRecord[] }>('GET', '/whatsapp/messages')).value;
  }

  /** Lets `hours` pass for one WhatsApp user's last message (24 closes their service window). */
  ageWhatsAppUser(user: string, hours: number, channelRegistrationId?: string): Promise<void> {
    return this.call('POST', `/whatsapp/users/${encodeURIComponent(user)}/age`, { hours, channelRegistrationId });
  }

  /** Every SMS the app sent (and the inbound ones). */
  async listSms(): Promise<SmsSummary[]> {
    return (await this.call<{ value: SmsSummary[] }>('GET', '/sms')).value;
  }

  /** A chat user writes in a thread they take part in. */
  sendChatMessage(message: {
    threadId: string;
    senderId: string;
    content: string;
    senderDisplayName?: string;
  }): Promise<{ id: string }> {
    return this.call('POST', '/chat/messages', message);
  }

  /**
   * Arms a fault for the calls of `party` (a number or raw id; every call when absent) until removed: callbacks of
   * `eventType` lost on the way to the app, or answered calls that never connect.
   */
  addFault(
    fault:
      | { kind: 'loseCallback'; eventType: string; party?: string }
      | { kind: 'neverConnect'; party?: string }
      | { kind: 'failAnswer'; status?: number; times?: number; party?: string },
  ): Promise<{ id: string }> {
    return this.call('POST', '/faults', fault);
  }

  removeFault(id: string): Promise<void> {
    return this.call('DELETE', `/faults/${encodeURIComponent(id)}`);
  }

  async timeline(filter: TimelineFilter = {}): Promise<TimelineEntry[]> {
    return (await this.call<{ value: TimelineEntry[] }>('GET', `/timeline${query(filter)}`)).value;
  }

  /** The first timeline entry matching the filter (already there or to come); throws after timeoutMs. */
  async waitFor(filter: TimelineFilter, timeoutMs = 10_000): Promise<TimelineEntry> {
    try {
      return await this.call<TimelineEntry>('GET', `/timeline/wait${query({ ...filter, timeoutMs })}`);
    } catch (err) {
      if (err instanceof ControlApiError && err.status === 408) {
        throw new Error(`Timed out after ${timeoutMs} ms waiting for ${JSON.stringify(filter)}`, { cause: err });
      }
      throw err;
    }
  }

  /** A Call Automation callback (e.g. `RecognizeCompleted`) sent for a call. */
  waitForEvent(
    type: string,
    filter: Omit<TimelineFilter, 'kind' | 'type'> = {},
    timeoutMs?: number,
  ): Promise<TimelineEntry> {
    return this.waitFor({ ...filter, kind: 'callback', type }, timeoutMs);
  }

  /** An Event Grid event published (full type, e.g. `Microsoft.Communication.IncomingCall`). */
  waitForEventGrid(
    type: string,
    filter: Omit<TimelineFilter, 'kind' | 'type'> = {},
    timeoutMs?: number,
  ): Promise<TimelineEntry> {
    return this.waitFor({ ...filter, kind: 'eventGrid', type }, timeoutMs);
  }

  /** A REST request the app made, by operation name (e.g. `answerCall`, `play`, `transferToParticipant`). */
  waitForRequest(
    operation: string,
    filter: Omit<TimelineFilter, 'kind' | 'operation'> = {},
    timeoutMs?: number,
  ): Promise<TimelineEntry> {
    return this.waitFor({ ...filter, kind: 'request', operation }, timeoutMs);
  }

  /** A world action or outcome (e.g. `transferConnected`, `dtmfSent`, `missed`). */
  waitForWorld(
    type: string,
    filter: Omit<TimelineFilter, 'kind' | 'type'> = {},
    timeoutMs?: number,
  ): Promise<TimelineEntry> {
    return this.waitFor({ ...filter, kind: 'world', type }, timeoutMs);
  }

  /** One request, answered whatever its status (a relay passes errors on; the typed methods throw them). */
  send(method: string, path: string, body?: unknown): Promise<ControlReply> {
    const url = new URL(this.controlUrl + path);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise<ControlReply>((resolve, reject) => {
      const req = httpsRequest(
        url,
        {
          method,
          agent: this.agent,
          headers: payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              parsed = text;
            }
            resolve({ status: res.statusCode ?? 500, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const reply = await this.send(method, path, body);
    if (reply.status >= 300) throw new ControlApiError(reply.status, reply.body);
    return reply.body as T;
  }
}

function query(params: object): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) q.set(key, String(value));
  const s = q.toString();
  return s ? `?${s}` : '';
}
