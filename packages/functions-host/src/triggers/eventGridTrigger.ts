import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Invoker } from '../invoker';
import { BodyTooLargeError, readBody, sendError, sendJson } from '../readBody';

const MAX_BATCH = 1024 * 1024; // Event Grid's limit for one delivery

/**
 * `POST /runtime/webhooks/eventgrid?functionName=NAME`, as the Functions host serves it: the
 * subscription-validation handshake (EventGrid schema) or the CloudEvents OPTIONS handshake, then each
 * event of the batch to the function. Any failure answers 500 so Event Grid delivers again.
 */
export async function handleEventGrid(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  invoker: Invoker,
  log: (m: string) => void,
): Promise<void> {
  const name = url.searchParams.get('functionName');
  if (req.method === 'OPTIONS') {
    const origin = req.headers['webhook-request-origin'];
    res
      .writeHead(200, {
        'WebHook-Allowed-Origin': typeof origin === 'string' ? origin : '*',
        'WebHook-Allowed-Rate': '*',
      })
      .end();
    return;
  }
  if (req.method !== 'POST') return sendError(res, 405, 'Event Grid delivers with POST.');
  if (!name) return sendError(res, 400, 'Missing the functionName query parameter.');
  const fn = invoker.function(name);
  if (!fn || fn.trigger.type !== 'eventGridTrigger')
    return sendError(res, 404, `No Event Grid function named "${name}".`);

  let events: unknown[];
  try {
    const text = (await readBody(req, MAX_BATCH)).toString('utf8');
    const parsed: unknown = JSON.parse(text);
    events = Array.isArray(parsed) ? parsed : [parsed];
  } catch (error) {
    if (error instanceof BodyTooLargeError) return sendError(res, 413, error.message);
    return sendError(res, 400, `The body is not valid JSON: ${(error as Error).message}`);
  }
  for (const [index, event] of events.entries()) {
    const e = event as Record<string, unknown> | null;
    if (
      !e ||
      typeof e !== 'object' ||
      typeof e.id !== 'string' ||
      (typeof e.eventType !== 'string' && typeof e.type !== 'string')
    ) {
      return sendError(
        res,
        400,
        `Event ${index} is not an Event Grid event: it needs an "id" and an "eventType" (or a CloudEvents "type").`,
      );
    }
  }
  const first = events[0] as Record<string, unknown> | undefined;
  if (first?.eventType === 'Microsoft.EventGrid.SubscriptionValidationEvent') {
    const code = (first.data as { validationCode?: unknown } | undefined)?.validationCode;
    if (typeof code !== 'string') return sendError(res, 400, 'The validation event has no data.validationCode.');
    return sendJson(res, 200, { validationResponse: code });
  }
  let failed = 0;
  for (const event of events) {
    try {
      await invoker.invoke(fn, { trigger: { json: JSON.stringify(event) }, triggerMetadata: {} });
    } catch (error) {
      failed++;
      log(`Function ${name} failed on an Event Grid event: ${(error as Error).message}`);
    }
  }
  if (failed) return sendError(res, 500, `${failed} of ${events.length} events failed in ${name}.`);
  res.writeHead(200).end();
}
