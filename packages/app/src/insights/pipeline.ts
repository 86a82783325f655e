import { assertHasSpeech, parseConversation } from '@switchboard/core/conversation';
import { DeadLetterError } from '@switchboard/core/deadLetterError';
import type { ConversationAnalysis, InsightsProvider } from './insightsProvider';
import { addCounts, redactConversation } from './redact';
import { renderSummaryMarkdown } from './renderSummaryMarkdown';
import type { SummaryDocument } from './summaryDocument';

export interface SummarizeOptions {
  /** The creation time to record (tests pass a fixed one). */
  now?: () => Date;
  /** Names the input in error messages, e.g. the blob path. */
  sourceName?: string;
}

export interface SummarizeResult {
  summary: SummaryDocument;
  markdown: string;
}

/**
 * The insights pipeline core: validate, redact PII first, analyse the redacted conversation, and scrub
 * the provider's output once more (defence in depth: a provider must never echo a value back).
 * Input that can never be processed throws DeadLetterError (reason: invalid_json, invalid_document,
 * unsupported_schema_version, empty_transcript); provider failures throw RemoteServiceError (retryable or not).
 */
export async function summarizeConversation(
  input: unknown, // a Conversation, or its JSON as text or bytes
  provider: InsightsProvider,
  options: SummarizeOptions = {},
): Promise<SummarizeResult> {
  const conversation = parseConversation(input, options.sourceName);
  assertHasSpeech(conversation, options.sourceName);

  const { conversation: redacted, counts, scrub: clean } = redactConversation(conversation, provider.detectNames);
  const analysis = await provider.analyze(redacted);
  const scrubbed = scrub(analysis, clean);

  const summary: SummaryDocument = {
    summarySchemaVersion: 1,
    id: conversation.id,
    source: conversation.source,
    schemaVersion: conversation.schemaVersion,
    channel: conversation.channel,
    startedAt: conversation.startedAt,
    ...(conversation.durationMs !== undefined ? { durationMs: conversation.durationMs } : {}),
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    provider: analysis.provider,
    turnCount: conversation.turns.length,
    redaction: addCounts(counts, analysis.additionalRedactions ?? {}),
    summary: scrubbed.summary,
    sentiment: scrubbed.sentiment,
    keyPhrases: scrubbed.keyPhrases,
    language: scrubbed.language,
  };
  return { summary, markdown: renderSummaryMarkdown(summary) };
}

function scrub(analysis: ConversationAnalysis, clean: (text: string) => string): ConversationAnalysis {
  return {
    ...analysis,
    summary: {
      issue: clean(analysis.summary.issue),
      resolution: clean(analysis.summary.resolution),
      followUps: analysis.summary.followUps.map(clean),
    },
    keyPhrases: analysis.keyPhrases.map(clean).filter((k) => !/\[[A-Z]+\]/.test(k)),
    language: /^[a-z]{2,3}(?:-[A-Za-z0-9]+)?$/.test(analysis.language) ? analysis.language : 'und',
  };
}

export { DeadLetterError };
