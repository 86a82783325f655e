import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { RemoteServiceError } from '@switchboard/core/errors';
import type { HttpResponse } from '@azure-rest/core-client';
import { azureAiClient, runJob, send } from '@switchboard/app/insights/azureAiClient';
import { createInsightsProvider } from '@switchboard/app/insights/createInsightsProvider';
import { createSpeechToText } from '@switchboard/app/insights/createSpeechToText';
import { AzureInsightsProvider } from '@switchboard/app/insights/azureInsightsProvider';
import { LocalInsightsProvider } from '@switchboard/local-ai/insights/localInsightsProvider';
import { PocketsphinxSpeechToText } from '@switchboard/local-ai/speech/pocketsphinxSpeechToText';
import { AzureSpeechToText } from '@switchboard/app/insights/azureSpeechToText';
import { ConfigError } from '@switchboard/core/errors';

const credential: TokenCredential = {
  getToken: (): Promise<AccessToken> => Promise.resolve({ token: 't', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

describe('Azure AI REST client', () => {
  test('never sends a bearer token over plain http', async () => {
    const client = azureAiClient({
      endpoint: 'http://localhost:1',
      credential,
      serviceName: 'Azure AI',
      maxRetries: 0,
    });
    await assert.rejects(
      send(client, 'a test', () => client.rest.pathUnchecked('/x').get()),
      (e: unknown) => e instanceof RemoteServiceError && !e.retryable && /non-https/.test(e.message),
    );
  });

  test('never sends the token to another host named by the service', async () => {
    const client = azureAiClient({ endpoint: 'https://language.example', credential, serviceName: 'Azure AI' });
    // The service's answer to the submission, naming a job on another host.
    const accepted = {
      request: {} as HttpResponse['request'],
      status: '202',
      headers: { 'operation-location': 'https://elsewhere.example/jobs/1' },
      body: '',
    };
    await assert.rejects(
      runJob(client, 'a job', () => Promise.resolve(accepted), { pollIntervalMs: 1 }),
      (e: unknown) => e instanceof RemoteServiceError && /another host/.test(e.message),
    );
  });

  test('reports a service that drops every connection as retryable, after 1 + maxRetries attempts', async () => {
    let connections = 0;
    const server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    try {
      const { port } = server.address() as AddressInfo;
      const client = azureAiClient({
        endpoint: `https://127.0.0.1:${port}`,
        credential,
        serviceName: 'Azure AI',
        maxRetries: 2,
        retryDelayMs: 10,
      });
      await assert.rejects(
        send(client, 'a test', () => client.rest.pathUnchecked('/x').get()),
        (e: unknown) => e instanceof RemoteServiceError && e.retryable && /could not be reached/.test(e.message),
      );
      assert.equal(connections, 3);
    } finally {
      server.close();
    }
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
