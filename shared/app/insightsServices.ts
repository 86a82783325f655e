import { getConfig } from '../config';
import { createInsightsProvider } from '../insights/createInsightsProvider';
import { createSpeechToText } from '../insights/createSpeechToText';
import type { InsightsProvider } from '../insights/insightsProvider';
import type { SpeechToText } from '../insights/transcribe';
import { InsightsBlobs } from '../summaries/insightsBlobs';
import { createBlobServiceClient } from '../storage/storageClients';

export interface InsightsServices {
  provider: InsightsProvider;
  speech: SpeechToText;
  blobs: InsightsBlobs;
}

let services: InsightsServices | undefined;

/** The insights provider, speech-to-text and blob layout, built once from the validated config. */
export function getInsights(): InsightsServices {
  if (services) return services;
  const config = getConfig();
  services = {
    provider: createInsightsProvider(config.insights),
    speech: createSpeechToText(config.insights),
    blobs: new InsightsBlobs(createBlobServiceClient(config)),
  };
  return services;
}
