import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { RemoteServiceError } from '@switchboard/core/errors';
import { azureAiClient, expectStatus, type AzureAiClient } from '@switchboard/app/insights/azureAiClient';
import { conversationFromChatExport } from '@switchboard/app/insights/conversationFromChatExport';
import { AzureInsightsProvider } from '@switchboard/app/insights/azureInsightsProvider';
import { summarizeConversation } from '@switchboard/app/insights/pipeline';
import { startFakeLanguageService, type FakeLanguageService } from '@switchboard/ai-fakes/fakeLanguageService';

const credential: TokenCredential = {
  getToken: (): Promise<AccessToken> =>
    Promise.resolve({ token: 'fake-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

describe('fake Language service', () => {
  let fake: FakeLanguageService;
  let client: AzureAiClient;
  before(async () => {
    fake = await startFakeLanguageService({ pollsUntilDone: 2 });
    client = azureAiClient({ endpoint: fake.url, credential, ca: fake.ca, maxRetries: 0, serviceName: 'the fake' });
  });
  after(() => fake.close());

  test('runs an analyze-text extractive summarization job: 202 with operation-location, then results', async () => {
    const submitted = await client.rest.pathUnchecked('/language/analyze-text/jobs').post({
      queryParameters: { 'api-version': '2023-04-01' },
      body: {
        analysisInput: {
          documents: [
            { id: '1', language: 'en', text: 'The bill was wrong. The agent refunded it. A letter follows.' },
          ],
        },
        tasks: [{ kind: 'ExtractiveSummarization', taskName: 's', parameters: { sentenceCount: 2 } }],
      },
    });
    assert.equal(submitted.status, '202');
    const location = String(submitted.headers['operation-location']);
    assert.match(location, /\/language\/analyze-text\/jobs\/[0-9a-f-]+\?api-version=2023-04-01$/);
    const states: string[] = [];
    let body: {
      status: string;
      tasks: { items: Array<{ kind: string; results: { documents: Array<{ sentences: Array<{ text: string }> }> } }> };
    };
    do {
      body = (await client.rest.pathUnchecked(location).get()).body as typeof body;
      states.push(body.status);
    } while (body.status !== 'succeeded');
    assert.deepEqual(states, ['running', 'running', 'succeeded']);
    assert.equal(body.tasks.items[0].kind, 'ExtractiveSummarizationLROResults');
    assert.deepEqual(
      body.tasks.items[0].results.documents[0].sentences.map((s) => s.text),
      ['The bill was wrong.', 'The agent refunded it.'],
    );
  });

  test('rejects jobs over the document limit and unknown api versions with 400', async () => {
    const documents = Array.from({ length: 26 }, (_, i) => ({ id: String(i), language: 'en', text: 'hello' }));
    const tooMany = await client.rest.pathUnchecked('/language/analyze-text/jobs').post({
      queryParameters: { 'api-version': '2023-04-01' },
      body: { analysisInput: { documents }, tasks: [{ kind: 'ExtractiveSummarization' }] },
    });
    assert.throws(
      () => expectStatus(client, 'the job', tooMany, '202'),
      (e: unknown) => e instanceof RemoteServiceError && e.status === 400 && /InvalidDocumentBatch/.test(e.message),
    );
    const unknownVersion = await client.rest
      .pathUnchecked('/language/analyze-text/jobs/0000')
      .get({ queryParameters: { 'api-version': '1999-01-01' } });
    assert.throws(
      () => expectStatus(client, 'the job', unknownVersion, '200'),
      (e: unknown) => e instanceof RemoteServiceError && e.status === 400,
    );
  });

  test('summarises a chat export end to end through the Azure provider', async () => {
    const exported = {
      threadId: '19:thread@thread.v2',
      messages: [
        {
          id: '2',
          type: 'text',
          sequenceId: '2',
          createdOn: '2025-03-14T10:01:00Z',
          senderDisplayName: 'Agent Grace',
          sender: { communicationUserId: '8:acs:a' },
          content: { message: 'I have refunded the charge to your card.' },
        },
        {
          id: '1',
          type: 'text',
          sequenceId: '1',
          createdOn: '2025-03-14T10:00:00Z',
          senderDisplayName: 'Tom Becker',
          sender: { communicationUserId: '8:acs:c' },
          content: { message: 'I was charged twice for my order, call me on 415 555 0132.' },
        },
      ],
    };
    const conversation = conversationFromChatExport(exported, { threadId: 'fallback' });
    const provider = new AzureInsightsProvider({
      endpoint: fake.url,
      credential,
      ca: fake.ca,
      summarizer: { pollIntervalMs: 1 },
    });
    const { summary, markdown } = await summarizeConversation(conversation, provider);
    assert.equal(summary.source, 'chat');
    assert.equal(summary.redaction.phone, 1);
    assert.match(summary.summary.issue, /charged twice/);
    assert.doesNotMatch(JSON.stringify(summary) + markdown, /0132|Becker|Tom\b/);
  });
});
