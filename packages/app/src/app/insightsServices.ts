import type { InsightsProvider } from '../insights/insightsProvider';
import type { SpeechToText } from '@switchboard/core/audio/transcribe';
import { InsightsBlobs } from '../summaries/insightsBlobs';

export interface InsightsServices {
  provider: InsightsProvider;
  speech: SpeechToText;
  blobs: InsightsBlobs;
}

let blobs: Promise<InsightsBlobs> | undefined;
let speech: Promise<SpeechToText> | undefined;
let services: Promise<InsightsServices> | undefined;

/** Where recordings, transcripts, exports and summaries live; built once from the validated config. */
export function getInsightsBlobs(): Promise<InsightsBlobs> {
  // The storage SDK loads on first use too: most of the app's cold start was SDK modules it did not need yet.
  blobs ??= Promise.all([import('../config.js'), import('@switchboard/core/storage/storageClients')]).then(
    ([{ getConfig }, { createBlobServiceClient }]) => new InsightsBlobs(createBlobServiceClient(getConfig())),
  );
  return blobs;
}

/** Speech-to-text alone, built once: transcribing a recording needs none of the models summaries need. */
export function getSpeechToText(): Promise<SpeechToText> {
  speech ??= Promise.all([import('../config.js'), import('../insights/createSpeechToText.js')]).then(
    ([{ getConfig }, { createSpeechToText }]) => createSpeechToText(getConfig().insights),
  );
  return speech;
}

/**
 * The insights provider and speech-to-text, built once. Their modules (the offline NLP models, name
 * detection, the Azure AI clients) load here on first use rather than when the worker starts: they would
 * more than double its cold start, and most instances never summarise anything.
 */
export function getInsights(): Promise<InsightsServices> {
  services ??= (async () => {
    const [{ getConfig }, { createInsightsProvider }, speech, blobs] = await Promise.all([
      import('../config.js'),
      import('../insights/createInsightsProvider.js'),
      getSpeechToText(),
      getInsightsBlobs(),
    ]);
    return { provider: createInsightsProvider(getConfig().insights), speech, blobs };
  })().catch((error: unknown) => {
    services = undefined; // a failed load is tried again by the next invocation
    throw error;
  });
  return services;
}
