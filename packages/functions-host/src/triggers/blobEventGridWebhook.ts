import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody, sendError, sendJson } from '../readBody';
import type { BlobOutcome, BlobTriggerListener } from './blobTrigger';

const MAX_BATCH = 1024 * 1024; // Event Grid's limit for one delivery
const FUNCTION_PREFIX = 'Host.Functions.';
export const BLOB_WEBHOOK_PATH = '/runtime/webhooks/blobs';

interface BlobCreated {
  eventType?: unknown;
  subject?: unknown;
  data?: { url?: unknown };
}

/**
 * `POST /runtime/webhooks/blobs?functionName=Host.Functions.NAME`: the blob extension's Event Grid
 * endpoint, which Flex Consumption requires for blob triggers (`source: 'EventGrid'`). Answers the
 * validation handshake, then runs the function for each Microsoft.Storage.BlobCreated event whose blob
 * matches its path. Receipts make a redelivered event a no-op; a failure or a version still in progress
 * answers 5xx so Event Grid delivers again (the real host queues internally and answers 202: here the
 * delivery itself is the queue).
 */
export async function handleBlobWebhook(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  blobs: BlobTriggerListener,
  log: (m: string) => void,
): Promise<void> {
  if (req.method !== 'POST') return sendError(res, 405, 'Event Grid delivers with POST.');
  const qualified = url.searchParams.get('functionName') ?? '';
  if (!qualified.startsWith(FUNCTION_PREFIX))
    return sendError(res, 400, `functionName must be "${FUNCTION_PREFIX}<name>", got "${qualified}".`);
  const name = qualified.slice(FUNCTION_PREFIX.length);
  const watch = blobs.eventGridWatches.get(name);
  if (!watch) return sendError(res, 404, `No blob trigger with source EventGrid named "${name}".`);

  let events: BlobCreated[];
  try {
    const parsed: unknown = JSON.parse((await readBody(req, MAX_BATCH)).toString('utf8'));
    events = (Array.isArray(parsed) ? parsed : [parsed]) as BlobCreated[];
  } catch (error) {
    if (error instanceof BodyTooLargeError) return sendError(res, 413, error.message);
    return sendError(res, 400, `The body is not valid JSON: ${(error as Error).message}`);
  }
  const kind = req.headers['aeg-event-type'];
  const first = events[0] as (BlobCreated & { data?: { validationCode?: unknown } }) | undefined;
  if (kind === 'SubscriptionValidation' || first?.eventType === 'Microsoft.EventGrid.SubscriptionValidationEvent') {
    const code = first?.data?.validationCode;
    if (typeof code !== 'string') return sendError(res, 400, 'The validation event has no data.validationCode.');
    return sendJson(res, 200, { validationResponse: code });
  }

  const outcomes: BlobOutcome[] = [];
  for (const [index, event] of events.entries()) {
    if (!event || typeof event !== 'object' || typeof event.eventType !== 'string')
      return sendError(res, 400, `Event ${index} is not an Event Grid event: it has no "eventType".`);
    if (event.eventType !== 'Microsoft.Storage.BlobCreated') continue; // the extension acts on creations only
    const blobName = blobNameOf(event, watch.container.containerName);
    const unsafe = blobName?.split('/').find((segment) => segment === '..' || segment === '.');
    if (unsafe !== undefined)
      return sendError(
        res,
        400,
        `Event ${index}: the blob name has a "${unsafe}" segment: it must name a blob in ${watch.container.containerName}.`,
      );
    if (!blobName) {
      log(`${name}: ignored a BlobCreated event for another container or without a blob URL`);
      continue;
    }
    const outcome = await blobs.runBlob(watch, blobName);
    if (outcome === 'gone') log(`${name}: the blob of a BlobCreated event no longer exists; nothing to do`);
    outcomes.push(outcome);
  }
  const retry = outcomes.filter((o) => o === 'failed' || o === 'busy').length;
  if (retry) return sendError(res, 503, `${retry} of ${events.length} blobs are not processed yet in ${name}.`);
  res.writeHead(200).end();
}

/** The blob name in `container` that a BlobCreated event is about (subject first, then data.url). */
function blobNameOf(event: BlobCreated, container: string): string | undefined {
  const marker = `/blobServices/default/containers/${container}/blobs/`;
  if (typeof event.subject === 'string' && event.subject.startsWith(marker)) return event.subject.slice(marker.length);
  if (typeof event.data?.url !== 'string') return undefined;
  try {
    const path = new URL(event.data.url).pathname.split('/').map(decodeURIComponent);
    // https://account.blob.core.windows.net/container/name or Azurite's http://host:port/account/container/name
    const at = path.indexOf(container);
    return at >= 0 && at < path.length - 1 ? path.slice(at + 1).join('/') : undefined;
  } catch {
    return undefined;
  }
}
