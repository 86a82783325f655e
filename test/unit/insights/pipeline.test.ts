import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Conversation } from '@switchboard/core/conversation';
import { DeadLetterError } from '@switchboard/core/deadLetterError';
import type { ConversationAnalysis, InsightsProvider } from '@switchboard/app/insights/insightsProvider';
import { detectNames } from '@switchboard/local-ai/insights/detectNames';
import { LocalInsightsProvider } from '@switchboard/local-ai/insights/localInsightsProvider';
import { summarizeConversation } from '@switchboard/app/insights/pipeline';
import { sampleConversation } from './sampleConversation';

const now = () => new Date('2025-03-14T16:00:00Z');

/** A provider that records what it was given and answers with a fixed analysis. */
class RecordingProvider implements InsightsProvider {
  readonly name = 'local' as const;
  // The pipeline runs the provider's own name detector before the provider sees any text.
  readonly detectNames = detectNames;
  seen: Conversation[] = [];
  constructor(private readonly answer: Partial<ConversationAnalysis> = {}) {}
  analyze(conversation: Conversation): Promise<ConversationAnalysis> {
    this.seen.push(conversation);
    return Promise.resolve({
      provider: 'local',
      summary: { issue: 'issue', resolution: 'resolution', followUps: [] },
      sentiment: { overall: { label: 'neutral', score: 0 }, perTurn: [] },
      keyPhrases: [],
      language: 'en',
      ...this.answer,
    });
  }
}

const withPii = sampleConversation({
  turns: [
    { participantId: 'a', role: 'agent', text: 'This is Sarah, how can I help?', offsetMs: 0 },
    {
      participantId: 'c',
      role: 'customer',
      text: 'my name is daniel okafor, card four five three nine one four eight eight zero three four three six four six seven',
      offsetMs: 1000,
    },
  ],
});

describe('insights pipeline', () => {
  test('hands the provider only redacted text', async () => {
    const provider = new RecordingProvider();
    await summarizeConversation(withPii, provider, { now });
    const seen = JSON.stringify(provider.seen);
    assert.doesNotMatch(seen, /daniel|okafor|sarah|four five three/i);
    assert.match(seen, /\[CARD\]/);
  });

  test('scrubs values a provider echoes back into its summary', async () => {
    const provider = new RecordingProvider({
      summary: {
        issue: 'Daniel Okafor called from 415 555 0132',
        resolution: 'mailed daniel@example.com',
        followUps: ['call Okafor back'],
      },
      keyPhrases: ['okafor account', 'card update'],
    });
    const { summary, markdown } = await summarizeConversation(withPii, provider, { now });
    assert.deepEqual(summary.summary, {
      issue: '[NAME] called from [PHONE]',
      resolution: 'mailed [EMAIL]',
      followUps: ['call [NAME] back'],
    });
    assert.deepEqual(summary.keyPhrases, ['card update']);
    assert.doesNotMatch(markdown, /okafor|daniel|0132/i);
  });

  test('builds the summary document with ids, versions, times and redaction counts', async () => {
    const { summary, markdown } = await summarizeConversation(JSON.stringify(withPii), new LocalInsightsProvider(), {
      now,
    });
    assert.equal(summary.id, 'call-123');
    assert.equal(summary.source, 'recording');
    assert.equal(summary.schemaVersion, 1);
    assert.equal(summary.createdAt, '2025-03-14T16:00:00.000Z');
    assert.equal(summary.provider, 'local');
    assert.equal(summary.redaction.card, 1);
    assert.equal(summary.redaction.name, 2, '"Sarah" and "daniel okafor" (one full name)');
    assert.equal(summary.language, 'en');
    assert.equal(summary.sentiment.perTurn.length, 2);
    assert.match(markdown, /^# Conversation call-123\n/);
    assert.match(markdown, /## What the customer wanted\n\n.+\n/);
    assert.match(markdown, /\[CARD\] ×1/);
  });

  test('throws dead-letter errors for invalid JSON, unsupported versions and empty transcripts', async () => {
    const provider = new RecordingProvider();
    const cases: Array<[unknown, string]> = [
      ['{not json', 'invalid_json'],
      [{ ...withPii, schemaVersion: 7 }, 'unsupported_schema_version'],
      [{ ...withPii, turns: [] }, 'empty_transcript'],
      [{ ...withPii, source: 'fax' }, 'invalid_document'],
    ];
    for (const [input, reason] of cases) {
      await assert.rejects(
        summarizeConversation(input, provider, { sourceName: 'transcripts/x.json' }),
        (e: unknown) =>
          e instanceof DeadLetterError && e.reason === reason && e.message.startsWith('transcripts/x.json'),
      );
    }
    assert.equal(provider.seen.length, 0, 'the provider is never called for poison input');
  });
});
