import { getInsightsBlobs } from './insightsServices';
import { lazy } from './lazy';
import { getServices } from './services';

export type { MessagingServices } from './buildMessaging';

/**
 * The messaging agents' stores, models and clients, built once from the validated config and flows. Their
 * modules (the WhatsApp and Azure OpenAI clients, the offline chat model when selected) load on first use,
 * not when the worker imports the functions (cold start).
 */
export const getMessaging = lazy(() =>
  Promise.all([getServices(), getInsightsBlobs(), import('./buildMessaging.js')]).then(
    ([services, blobs, { buildMessaging }]) => buildMessaging(services, blobs),
  ),
);
