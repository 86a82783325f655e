import type { MessagingServices } from './buildMessaging';
import { getInsightsBlobs } from './insightsServices';
import { getServices } from './services';

export type { MessagingServices } from './buildMessaging';

let messaging: Promise<MessagingServices> | undefined;

/**
 * The messaging agents' stores, models and clients, built once from the validated config and flows. Their
 * modules (the offline chat model's NLP, the WhatsApp and Azure OpenAI clients) load on first use, not when
 * the worker imports the functions (cold start).
 */
export function getMessaging(): Promise<MessagingServices> {
  messaging ??= Promise.all([getServices(), getInsightsBlobs(), import('./buildMessaging.js')])
    .then(([services, blobs, { buildMessaging }]) => buildMessaging(services, blobs))
    .catch((error: unknown) => {
      messaging = undefined; // nothing half-built is kept: the next use tries again
      throw error;
    });
  return messaging;
}
