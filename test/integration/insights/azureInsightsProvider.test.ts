import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, beforeEach, describe, test } from 'node:test';
import { TextAnalyticsClient } from '@azure/ai-text-analytics';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { RemoteServiceError } from '@switchboard/core/errors';
import { AzureInsightsProvider, BATCH_LIMITS } from '@switchboard/app/insights/azureInsightsProvider';
import type { Conversation } from '@switchboard/core/conversation';
import { summarizeConversation } from '@switchboard/app/insights/pipeline';
import {
  startFakeLanguageService,
  type FakeLanguageService,
  type RecordedRequest,
} from '@switchboard/ai-fakes/fakeLanguageService';

const TOKEN = 'token-for-tests';

class StaticCredential implements TokenCredential {
  scopes: string[] = [];
  getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopes.push(...[scopes].flat());
    return Promise.resolve({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 });
  }
}

function conversation(turnCount: number): Conversation {
  const lines = [
    ['customer', 'I was charged twice for my bill and I am really upset about it.'],
    ['agent', 'I have refunded the duplicate payment to your card.'],
    ['customer', 'Thank you, that is a relief.'],
    ['agent', 'You will get a confirmation email today.'],
  ] as const;
  return {
    schemaVersion: 1,
    id: 'call-azure',
    source: 'recording',
    channel: 'voice',
    startedAt: '2025-03-14T15:09:26Z',
    participants: [
      { id: 'c', role: 'customer' },
      { id: 'a', role: 'agent' },
    ],
    turns: Array.from({ length: turnCount }, (_, i) => {
      const [role, text] = lines[i % lines.length];
      return { participantId: role === 'customer' ? 'c' : 'a', role, text, offsetMs: i * 3000 };
    }),
    metadata: {},
  };
}

const documentsOf = (r: RecordedRequest) => ((r.body as { documents?: unknown[] } | undefined)?.documents ?? []).length;
const to = (fake: FakeLanguageService, path: RegExp) => fake.requests.filter((r) => path.test(r.path));

describe('Azure insights provider against the fake Language service', () => {
  let fake: FakeLanguageService;
  let credential: StaticCredential;
  const provider = (extra: Partial<ConstructorParameters<typeof AzureInsightsProvider>[0]> = {}) =>
    new AzureInsightsProvider({
      endpoint: fake.url,
      credential,
      ca: fake.ca,
      summarizer: { pollIntervalMs: 1 },
      ...extra,
    });

  before(async () => {
    fake = await startFakeLanguageService({ expectedToken: TOKEN, people: ['Zed Quill'] });
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.reset();
    credential = new StaticCredential();
  });

  test('sends every call with a bearer token for the Cognitive Services scope', async () => {
    await provider().analyze(conversation(4));
    assert.ok(fake.requests.length >= 5);
    for (const r of fake.requests) assert.equal(r.headers.authorization, `Bearer ${TOKEN}`, `${r.method} ${r.path}`);
    assert.ok(credential.scopes.every((s) => s === 'https://cognitiveservices.azure.com/.default'));
  });

  test('batches 30 turns into requests within the service limits', async () => {
    await provider().analyze(conversation(30));
    const sentiment = to(fake, /\/sentiment$/);
    const pii = to(fake, /\/entities\/recognition\/pii$/);
    assert.deepEqual(sentiment.map(documentsOf), [10, 10, 10]);
    assert.deepEqual(pii.map(documentsOf), [5, 5, 5, 5, 5, 5]);
    assert.equal(to(fake, /\/languages$/).length, 1);
    assert.ok(to(fake, /\/keyPhrases$/).every((r) => documentsOf(r) <= BATCH_LIMITS.keyPhrases));
    assert.ok(
      fake.requests.every((r) => r.status < 400),
      'the fake accepted every request',
    );
    assert.equal(
      pii[0].query.piiCategories?.split(',').includes('CreditCardNumber'),
      true,
      'PII categories are filtered',
    );
  });

  test('the fake rejects an over-limit batch like the real service', async () => {
    const client = new TextAnalyticsClient(fake.url, credential, {
      retryOptions: { maxRetries: 0 },
      tlsOptions: { ca: fake.ca },
    });
    await assert.rejects(
      client.analyzeSentiment(Array.from({ length: 11 }, (_, i) => `turn ${i}`)),
      (e: { statusCode?: number; response?: { bodyAsText?: string } }) =>
        e.statusCode === 400 && /InvalidDocumentBatch.*Max 10 records/.test(e.response?.bodyAsText ?? ''),
    );
  });

  test('the fake refuses requests without a bearer token', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL('/text/analytics/v3.1/sentiment', fake.url);
      const r = request(
        url,
        { method: 'POST', ca: fake.ca, headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      r.on('error', reject);
      r.end(JSON.stringify({ documents: [{ id: '1', text: 'hello' }] }));
    });
    assert.equal(status, 401);
  });

  test('waits as long as Retry-After says when the SDK path is throttled', async () => {
    fake.throttleNext(1, { retryAfterSeconds: 1, path: /\/languages$/ });
    await provider().analyze(conversation(2));
    const languages = to(fake, /\/languages$/);
    assert.deepEqual(
      languages.map((r) => r.status),
      [429, 200],
    );
    assert.ok(
      languages[1].at - languages[0].at >= 950,
      `retried after ${Math.round(languages[1].at - languages[0].at)} ms`,
    );
  });

  test('honours Retry-After on the summarization job and then polls it to completion', async () => {
    fake.throttleNext(2, { retryAfterSeconds: 1, path: /analyze-conversations\/jobs$/ });
    const analysis = await provider().analyze(conversation(4));
    const submits = to(fake, /analyze-conversations\/jobs$/);
    for (const i of [1, 2])
      assert.ok(
        submits[i].at - submits[i - 1].at >= 950,
        `retried after ${Math.round(submits[i].at - submits[i - 1].at)} ms`,
      );
    assert.deepEqual(
      submits.map((r) => r.status),
      [429, 429, 202],
    );
    assert.equal(submits[2].query['api-version'], '2024-11-01');
    const body = submits[2].body as {
      analysisInput: { conversations: Array<{ conversationItems: Array<{ role: string; text: string }> }> };
      tasks: Array<{ kind: string; parameters: { summaryAspects: string[] } }>;
    };
    assert.equal(body.tasks[0].kind, 'ConversationalSummarizationTask');
    assert.deepEqual(body.tasks[0].parameters.summaryAspects, ['issue', 'resolution', 'follow-up tasks']);
    assert.deepEqual(
      body.analysisInput.conversations[0].conversationItems.map((i) => i.role),
      ['Customer', 'Agent', 'Customer', 'Agent'],
    );
    const polls = to(fake, /analyze-conversations\/jobs\/[0-9a-f-]+$/);
    assert.deepEqual(
      polls.map((r) => r.status),
      [200, 200],
      'one running poll, then succeeded',
    );
    assert.match(analysis.summary.issue, /charged twice/);
    assert.match(analysis.summary.resolution, /refunded the duplicate payment/);
    assert.deepEqual(analysis.summary.followUps, ['You will get a confirmation email today.']);
  });

  test('gives up after bounded retries with a retryable RemoteServiceError', async () => {
    // retry-after-ms, when given, is what the client waits (here 20 ms, not 30 s).
    fake.throttleNext(10, { retryAfterSeconds: 30, retryAfterMs: 20, path: /analyze-conversations\/jobs$/ });
    await assert.rejects(
      provider({ maxRetries: 2 }).analyze(conversation(2)),
      (e: unknown) => e instanceof RemoteServiceError && e.retryable && e.status === 429 && !/charged/.test(e.message),
    );
    assert.equal(to(fake, /analyze-conversations\/jobs$/).length, 3);
    fake.reset();
    fake.failNext(1, 400, { path: /analyze-conversations\/jobs$/ });
    await assert.rejects(
      provider().analyze(conversation(2)),
      (e: unknown) => e instanceof RemoteServiceError && !e.retryable && e.status === 400,
    );
  });

  test('adds what the service finds as PII to the redaction, before any other analysis', async () => {
    const input = conversation(2);
    input.turns[0].text = 'Zed Quill here, I was charged twice.';
    const analysis = await provider().analyze(input);
    assert.equal(analysis.additionalRedactions?.name, 1);
    const later = fake.requests.filter((r) => !/pii$/.test(r.path));
    assert.ok(
      later.length > 0 && later.every((r) => !JSON.stringify(r.body ?? '').includes('Zed')),
      'only the PII call saw the name',
    );
  });

  test('runs the whole pipeline with the Azure provider', async () => {
    const { summary, markdown } = await summarizeConversation(conversation(6), provider());
    assert.equal(summary.provider, 'azure');
    assert.equal(summary.language, 'en');
    assert.equal(summary.sentiment.perTurn.length, 6);
    assert.equal(summary.sentiment.perTurn[0].label, 'negative');
    assert.ok(summary.keyPhrases.length > 0);
    assert.match(markdown, /refunded the duplicate payment/);
  });
});
