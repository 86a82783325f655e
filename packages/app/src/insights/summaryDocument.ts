import type { ConversationSource } from '@switchboard/core/conversation';
import type { ConversationAnalysis } from './insightsProvider';
import type { RedactionCounts } from './redact';

/** `summaries/{id}.json`: what a supervisor (and GET /api/summaries/{id}) reads. Never holds PII values. */
export interface SummaryDocument {
  summarySchemaVersion: 1;
  id: string;
  source: ConversationSource;
  /** The conversation schema version the summary was made from. */
  schemaVersion: number;
  channel: string;
  startedAt: string;
  durationMs?: number;
  createdAt: string;
  provider: ConversationAnalysis['provider'];
  turnCount: number;
  /** How many values of each category were redacted before analysis. */
  redaction: RedactionCounts;
  summary: ConversationAnalysis['summary'];
  sentiment: ConversationAnalysis['sentiment'];
  keyPhrases: string[];
  language: string;
}
