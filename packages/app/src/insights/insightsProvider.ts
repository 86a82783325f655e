import type { Conversation, ConversationRole } from '@switchboard/core/conversation';
import type { NameDetector, RedactionCounts } from './redact';

// The port every insights provider implements (local: offline packages; azure: Azure AI Language).
// Input is ALWAYS an already redacted conversation: providers never see the raw transcript.

export type SentimentLabel = 'positive' | 'neutral' | 'negative' | 'mixed';

export interface TurnSentiment {
  turnIndex: number;
  participantId: string;
  role: ConversationRole;
  label: SentimentLabel;
  /** -1 (most negative) .. 1 (most positive). */
  score: number;
}

export interface ConversationSummary {
  /** What the customer wanted or what went wrong. Empty when nothing fits. */
  issue: string;
  /** What was done about it. Empty when nothing was resolved. */
  resolution: string;
  /** Promised next steps (callbacks, emails, visits, refunds to arrive). */
  followUps: string[];
}

export interface ConversationAnalysis {
  summary: ConversationSummary;
  sentiment: { overall: { label: SentimentLabel; score: number }; perTurn: TurnSentiment[] };
  keyPhrases: string[];
  /** ISO 639-1 code ('en', 'es'), or 'und' when undetermined. */
  language: string;
  /** Which provider produced this (recorded in the summary document). */
  provider: 'local' | 'azure';
  /** Extra PII a provider found in its own pass (Azure PII detection), beyond the local redaction. */
  additionalRedactions?: Partial<RedactionCounts>;
}

export interface InsightsProvider {
  readonly name: 'local' | 'azure';
  analyze(redacted: Conversation): Promise<ConversationAnalysis>;
  /** Finds names in the text before anything else sees it; without one, only display names are redacted up front. */
  readonly detectNames?: NameDetector;
}

/** Sentiment score -> label, shared so both providers label alike. */
export function sentimentLabel(score: number, threshold = 0.05): SentimentLabel {
  if (score > threshold) return 'positive';
  if (score < -threshold) return 'negative';
  return 'neutral';
}

/**
 * The conversation's overall sentiment is the customer's (what a supervisor cares about): the mean of the
 * customer's turns, 'mixed' when they were clearly both positive and negative; all turns if no customer.
 */
export function overallSentiment(perTurn: readonly TurnSentiment[]): { label: SentimentLabel; score: number } {
  const customer = perTurn.filter((t) => t.role === 'customer');
  const turns = customer.length > 0 ? customer : perTurn;
  if (turns.length === 0) return { label: 'neutral', score: 0 };
  const score = Math.round((turns.reduce((s, t) => s + t.score, 0) / turns.length) * 1000) / 1000;
  const strongPositive = turns.some((t) => t.score >= 0.3);
  const strongNegative = turns.some((t) => t.score <= -0.3);
  return { label: strongPositive && strongNegative && Math.abs(score) < 0.3 ? 'mixed' : sentimentLabel(score), score };
}
