import { createHash } from 'node:crypto';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/**
 * ACS acts once per Repeatability-Request-ID, but the SDK draws a fresh id for every call, so an activity
 * retried after a fault (the host restarted, storage paused while its result was saved) would act twice:
 * two transfers, a campaign contact dialled twice. A request that carries an operationContext (the call
 * workflow makes each one unique per request) gets an id derived from it instead, so a retry is the same
 * request to ACS.
 */
export function stableRepeatabilityPolicy(): PipelinePolicy {
  return {
    name: 'stableRepeatability',
    sendRequest(request, next) {
      if (request.headers.has('Repeatability-Request-ID') && typeof request.body === 'string') {
        const context = operationContextOf(request.body);
        if (context)
          request.headers.set(
            'Repeatability-Request-ID',
            uuidFrom(`${request.method} ${new URL(request.url).pathname} ${context}`),
          );
      }
      return next(request);
    },
  };
}

function operationContextOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { operationContext?: unknown };
    return typeof parsed.operationContext === 'string' && parsed.operationContext ? parsed.operationContext : undefined;
  } catch {
    return undefined;
  }
}

/** A UUID (the header's format) from a SHA-256 of the text, with the version nibble of a name-based UUID. */
function uuidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
