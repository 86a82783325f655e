import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { RemoteServiceError } from '../../../shared/errors';
import { AzureRestClient, retryAfterMs } from '../../../shared/insights/azureRestClient';
import { createInsightsProvider } from '../../../shared/insights/createInsightsProvider';
import { createSpeechToText } from '../../../shared/insights/createSpeechToText';
import { AzureInsightsProvider } from '../../../shared/insights/azureInsightsProvider';
import { LocalInsightsProvider } from '../../../shared/insights/localInsightsProvider';
import { PocketsphinxSpeechToText } from '../../../shared/insights/pocketsphinxSpeechToText';
import { AzureSpeechToText } from '../../../shared/insights/azureSpeechToText';
import { ConfigError } from '../../../shared/errors';

const credential: TokenCredential = {
  getToken: (): Promise<AccessToken> => Promise.resolve({ token: 't', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

describe('Azure REST client', () => {
  test('reads the delay from retry-after-ms, x-ms-retry-after-ms or Retry-After in seconds or as a date', () => {
    assert.equal(retryAfterMs({ 'retry-after-ms': '250', 'retry-after': '9' }), 250);
    assert.equal(retryAfterMs({ 'x-ms-retry-after-ms': '40' }), 40);
    assert.equal(retryAfterMs({ 'retry-after': '3' }), 3000);
    assert.equal(
      retryAfterMs({ 'retry-after': 'Fri, 14 Mar 2025 15:09:30 GMT' }, Date.parse('Fri, 14 Mar 2025 15:09:26 GMT')),
      4000,
    );
    assert.equal(retryAfterMs({ 'retry-after': 'soon' }), undefined);
    assert.equal(retryAfterMs({}), undefined);
  });

  test('never sends a bearer token over plain http', async () => {
    const client = new AzureRestClient({ endpoint: 'http://localhost:1', credential, maxRetries: 0 });
    await assert.rejects(
      client.request({ method: 'GET', path: 'x' }),
      (e: unknown) => e instanceof RemoteServiceError && /over http:/.test(e.message),
    );
  });

  test('never sends the token to another host named by the service', async () => {
    const client = new AzureRestClient({ endpoint: 'https://language.example', credential, maxRetries: 0 });
    await assert.rejects(
      client.request({ method: 'GET', path: 'https://elsewhere.example/jobs/1' }),
      (e: unknown) => e instanceof RemoteServiceError && /another host/.test(e.message),
    );
  });

  test('reports an unreachable service as retryable after bounded retries', async () => {
    const sleeps: number[] = [];
    const client = new AzureRestClient({
      endpoint: 'https://127.0.0.1:1',
      credential,
      maxRetries: 2,
      retryDelayMs: 10,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    });
    await assert.rejects(
      client.request({ method: 'GET', path: 'x' }),
      (e: unknown) => e instanceof RemoteServiceError && e.retryable && /after 3 attempts/.test(e.message),
    );
    assert.deepEqual(sleeps, [10, 20]);
  });
});

describe('provider selection', () => {
  test('INSIGHTS_PROVIDER=local gives the offline provider and pocketsphinx', () => {
    assert.ok(createInsightsProvider({ provider: 'local' }) instanceof LocalInsightsProvider);
    assert.ok(createSpeechToText({ provider: 'local' }) instanceof PocketsphinxSpeechToText);
  });

  test('INSIGHTS_PROVIDER=azure gives the Azure provider and fast transcription', () => {
    const settings = {
      provider: 'azure' as const,
      languageEndpoint: 'https://lang.example',
      speechEndpoint: 'https://speech.example',
    };
    assert.ok(createInsightsProvider(settings, { credential }) instanceof AzureInsightsProvider);
    assert.ok(createSpeechToText(settings, { credential }) instanceof AzureSpeechToText);
  });

  test('INSIGHTS_PROVIDER=azure without endpoints is a configuration error naming the setting', () => {
    assert.throws(
      () => createInsightsProvider({ provider: 'azure' }, { credential }),
      (e: unknown) => e instanceof ConfigError && /LANGUAGE_ENDPOINT/.test(e.message),
    );
    assert.throws(
      () => createSpeechToText({ provider: 'azure' }, { credential }),
      (e: unknown) => e instanceof ConfigError && /SPEECH_ENDPOINT/.test(e.message),
    );
  });
});
