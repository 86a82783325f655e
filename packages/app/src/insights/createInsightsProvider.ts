import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { ConfigError } from '@switchboard/core/errors';
import { offlineModule } from '@switchboard/core/offlineModule';
import type { Config } from '../config';
import { AzureInsightsProvider } from './azureInsightsProvider';
import type { InsightsProvider } from './insightsProvider';

export interface InsightsDependencies {
  /** Defaults to DefaultAzureCredential (managed identity in Azure, developer sign-in locally). */
  credential?: TokenCredential;
  /** Extra CA (PEM) to trust for the AI endpoints, e.g. the sandbox fake's. */
  ca?: string;
}

/** The provider INSIGHTS_PROVIDER names: `local` (offline packages) or `azure` (Azure AI Language). */
export function createInsightsProvider(
  settings: Config['insights'],
  deps: InsightsDependencies = {},
): InsightsProvider {
  if (settings.provider === 'local') {
    const local = offlineModule<{ LocalInsightsProvider: new () => InsightsProvider }>(
      'insights/localInsightsProvider',
      'INSIGHTS_PROVIDER=local',
    );
    return new local.LocalInsightsProvider();
  }
  if (!settings.languageEndpoint)
    throw new ConfigError(['LANGUAGE_ENDPOINT: is required when INSIGHTS_PROVIDER=azure']);
  return new AzureInsightsProvider({
    endpoint: settings.languageEndpoint,
    credential: deps.credential ?? new DefaultAzureCredential(),
    ca: deps.ca,
  });
}
