import type { EventGridEvent } from '@azure/functions';

/** An event in the CloudEvents 1.0 schema, as Event Grid delivers it to a subscription created with that schema. */
interface CloudEvent {
  specversion: string;
  type: string;
  source?: string;
  id: string;
  time?: string;
  subject?: string;
  dataschema?: string;
  data?: Record<string, unknown>;
}

/**
 * The Event Grid trigger hands a function the event in the schema its subscription chose: the Event Grid
 * schema or CloudEvents 1.0. The app reads both under the Event Grid schema's names, so a subscription made
 * with either schema is handled alike (a CloudEvents one was otherwise ignored without a trace).
 */
export function inEventGridSchema(event: EventGridEvent | CloudEvent): EventGridEvent {
  if (!('specversion' in event) || typeof event.type !== 'string') return event as EventGridEvent;
  return {
    id: event.id,
    topic: event.source ?? '',
    subject: event.subject ?? '',
    eventType: event.type,
    eventTime: event.time ?? '',
    data: event.data,
    dataVersion: event.dataschema ?? '',
    metadataVersion: '1',
  };
}
