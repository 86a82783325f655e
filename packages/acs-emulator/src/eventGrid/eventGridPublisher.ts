// Event Grid delivery in the EventGrid schema: subscriptions with type filters, the validation handshake
// before the first event, retries with backoff up to maxDeliveryAttempts, a timeout per attempt, and
// ACS's quirk that a subscription without a filter sees IncomingCall twice.
import { randomUUID } from 'node:crypto';
import { postJson } from '../httpDelivery';
import type { SubscriptionOptions } from '../options';
import type { Scheduler } from '../scheduler';
import type { Timeline } from '../timeline';

export interface EventGridEvent {
  id: string;
  topic: string;
  subject: string;
  eventType: string;
  eventTime: string;
  dataVersion: string;
  metadataVersion: '1';
  data: unknown;
}

export interface Subscription {
  id: string;
  endpoint: string;
  eventTypes?: string[];
  subjectBeginsWith?: string;
  maxDeliveryAttempts: number;
  validated: boolean;
}

export interface EventGridSettings {
  topic: string;
  timeoutMs: number;
  retryDelaysMs: number[];
  maxDeliveryAttempts: number;
  duplicateIncomingCallWhenUnfiltered: boolean;
  /** Dead-lettering: called with each event a subscription gave up on. */
  onDropped?: (subscription: Subscription, event: EventGridEvent, lastError: string) => void | Promise<void>;
}

const INCOMING_CALL = 'Microsoft.Communication.IncomingCall';

export class EventGridPublisher {
  private readonly subscriptions = new Map<string, Subscription>();

  constructor(
    private readonly settings: EventGridSettings,
    private readonly scheduler: Scheduler,
    private readonly timeline: Timeline,
  ) {}

  list(): Subscription[] {
    return [...this.subscriptions.values()];
  }

  /** Adds a subscription and runs the validation handshake; an endpoint that is not up yet is
   * validated again before its first delivery. */
  async add(options: SubscriptionOptions): Promise<Subscription> {
    const url = new URL(options.endpoint); // throws on garbage
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('endpoint must be http(s)');
    const subscription: Subscription = {
      id: options.id ?? randomUUID(),
      endpoint: options.endpoint,
      eventTypes: options.eventTypes?.length ? [...options.eventTypes] : undefined,
      subjectBeginsWith: options.subjectBeginsWith,
      maxDeliveryAttempts: options.maxDeliveryAttempts ?? this.settings.maxDeliveryAttempts,
      validated: false,
    };
    this.subscriptions.set(subscription.id, subscription);
    await this.validate(subscription);
    return subscription;
  }

  remove(id: string): boolean {
    return this.subscriptions.delete(id);
  }

  /**
   * Publishes one event to every matching subscription (delivery runs in the background). `deliveries` > 1
   * delivers the same event (same id) that many times, as Event Grid's at-least-once redelivery can.
   */
  publish(eventType: string, subject: string, data: unknown, dataVersion = '1.0', deliveries = 1): EventGridEvent {
    const event: EventGridEvent = {
      id: randomUUID(),
      topic: this.settings.topic,
      subject,
      eventType,
      eventTime: new Date().toISOString(),
      dataVersion,
      metadataVersion: '1',
      data,
    };
    this.timeline.add({ kind: 'eventGrid', type: eventType, data, serverCallId: serverCallIdOf(data) });
    for (const subscription of this.subscriptions.values()) {
      if (subscription.eventTypes && !subscription.eventTypes.includes(eventType)) continue;
      if (subscription.subjectBeginsWith && !subject.startsWith(subscription.subjectBeginsWith)) continue;
      for (let copy = 0; copy < deliveries; copy++) void this.deliver(subscription, event, 1);
      if (
        eventType === INCOMING_CALL &&
        !subscription.eventTypes &&
        this.settings.duplicateIncomingCallWhenUnfiltered
      ) {
        void this.deliver(subscription, { ...event, id: randomUUID() }, 1);
      }
    }
    return event;
  }

  private async validate(subscription: Subscription): Promise<boolean> {
    const validationCode = randomUUID();
    const event: EventGridEvent = {
      id: randomUUID(),
      topic: this.settings.topic,
      subject: '',
      eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
      eventTime: new Date().toISOString(),
      dataVersion: '2',
      metadataVersion: '1',
      data: { validationCode, validationUrl: `${subscription.endpoint}#manual-validation-not-supported` },
    };
    const result = await postJson(
      subscription.endpoint,
      [event],
      { 'aeg-event-type': 'SubscriptionValidation', 'aeg-subscription-name': subscription.id.toUpperCase() },
      this.settings.timeoutMs,
    );
    let ok = false;
    if (result.status === 200 && result.body) {
      try {
        ok = (JSON.parse(result.body) as { validationResponse?: string }).validationResponse === validationCode;
      } catch {
        ok = false;
      }
    }
    subscription.validated = ok;
    this.timeline.add({
      kind: 'eventGridDelivery',
      type: event.eventType,
      subscriptionId: subscription.id,
      status: result.status,
      error: ok ? undefined : (result.error ?? 'validation failed'),
    });
    return ok;
  }

  private async deliver(subscription: Subscription, event: EventGridEvent, attempt: number): Promise<void> {
    if (!this.subscriptions.has(subscription.id)) return;
    let status: number | undefined;
    let error: string | undefined;
    if (!subscription.validated && !(await this.validate(subscription))) {
      error = 'subscription not validated';
    } else {
      const result = await postJson(
        subscription.endpoint,
        [event],
        {
          'aeg-event-type': 'Notification',
          'aeg-subscription-name': subscription.id.toUpperCase(),
          'aeg-delivery-count': String(attempt - 1),
          'aeg-data-version': event.dataVersion,
          'aeg-metadata-version': '1',
        },
        this.settings.timeoutMs,
      );
      status = result.status;
      error = result.error;
    }
    const delivered = status !== undefined && status >= 200 && status < 300;
    // Event Grid does not retry 400 and 413: the event can never be delivered.
    const final = delivered || status === 400 || status === 413 || attempt >= subscription.maxDeliveryAttempts;
    this.timeline.add({
      kind: 'eventGridDelivery',
      type: event.eventType,
      subscriptionId: subscription.id,
      attempt,
      status,
      error,
      data: { eventId: event.id, delivered, dropped: final && !delivered },
    });
    if (final) {
      if (!delivered) await this.settings.onDropped?.(subscription, event, error ?? `HTTP ${status}`);
      return;
    }
    const delays = this.settings.retryDelaysMs;
    const delay = delays[Math.min(attempt - 1, delays.length - 1)] ?? 10_000;
    this.scheduler.after(delay, () => this.deliver(subscription, event, attempt + 1));
  }
}

function serverCallIdOf(data: unknown): string | undefined {
  const value = (data as { serverCallId?: unknown } | undefined)?.serverCallId;
  return typeof value === 'string' ? value : undefined;
}
