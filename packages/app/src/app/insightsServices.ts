import type { SpeechToText } from '@switchboard/core/audio/transcribe';
import type { InsightsProvider } from '../insights/insightsProvider';
import { InsightsBlobs } from '../summaries/insightsBlobs';
import { lazy } from './lazy';

export interface InsightsServices {
  provider: InsightsProvider;
  speech: SpeechToText;
  blobs: InsightsBlobs;
}

/** Where recordings, transcripts, exports and summaries live; built once from the validated config. */
export const getInsightsBlobs = lazy(() =>
  // The storage SDK loads on first use too: most of the app's cold start was SDK modules it did not need yet.
  Promise.all([import('../config.js'), import('@switchboard/core/storage/storageClients')]).then(
    ([{ getConfig }, { createBlobServiceClient }]) => new InsightsBlobs(createBlobServiceClient(getConfig())),
  ),
);

/** Speech-to-text alone, built once: transcribing a recording needs none of the models summaries need. */
export const getSpeechToText = lazy(() =>
  Promise.all([import('../config.js'), import('../insights/createSpeechToText.js')]).then(
    ([{ getConfig }, { createSpeechToText }]) => createSpeechToText(getConfig().insights),
  ),
);

/**
 * The insights provider and speech-to-text, built once. Their modules (the offline NLP models when selected,
 * the Azure AI clients) load here on first use rather than when the worker starts: most instances never
 * summarise anything.
 */
export const getInsights = lazy(async (): Promise<InsightsServices> => {
  const [{ getConfig }, { createInsightsProvider }, speech, blobs] = await Promise.all([
    import('../config.js'),
    import('../insights/createInsightsProvider.js'),
    getSpeechToText(),
    getInsightsBlobs(),
  ]);
  return { provider: createInsightsProvider(getConfig().insights), speech, blobs };
});
