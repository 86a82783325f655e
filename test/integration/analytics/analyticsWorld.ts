import { BlobServiceClient } from '@azure/storage-blob';
import { AnnotationStore } from '@switchboard/app/analytics/annotationStore';
import type { CallEndInput } from '@switchboard/app/analytics/callAnnotation';
import { ConversationAnalytics } from '@switchboard/app/analytics/conversationAnalytics';
import { RollupStore } from '@switchboard/app/analytics/rollupStore';
import type { SummaryDocument } from '@switchboard/app/insights/summaryDocument';
import type { ConversationState } from '@switchboard/app/messaging/conversationStore';
import { createTableClient } from '@switchboard/core/storage/storageClients';
import type { AzuriteInstance } from '@switchboard/functions-host/azurite';

// What the analytics tests share: the stores over a real Azurite, and the inputs the app hands analytics when
// a call's orchestration ends, a messaging conversation goes idle and a summary is made.

export const SALT = 'test-salt-0123456789abcdef';

export function analyticsOver(azurite: AzuriteInstance, prefix: string) {
  const config = { storage: { connectionString: azurite.connectionString } };
  const table = (name: string) => createTableClient(config, `${prefix}${name}`);
  const tables = {
    annotations: table('InsightsAnnotations'),
    customers: table('InsightsCustomers'),
    rollups: table('InsightsRollups'),
    conversations: table('Conversations'),
  };
  const analytics = new ConversationAnalytics(
    new AnnotationStore(tables.annotations, tables.customers),
    new RollupStore(tables.rollups),
  );
  return { analytics, tables, blobs: BlobServiceClient.fromConnectionString(azurite.connectionString) };
}

const at = (base: string, seconds: number) => new Date(Date.parse(base) + seconds * 1000).toISOString();

/** A call's end as callflow/callFlowOrchestration.ts reports it. */
export function callEnd(
  callId: string,
  callerId: string,
  startedAt: string,
  seconds: number,
  how: Partial<CallEndInput> = {},
): CallEndInput {
  return {
    callId,
    direction: 'inbound',
    callerId,
    flowName: 'mainLine',
    dialled: '+18005550100',
    startedAt,
    endedAt: at(startedAt, seconds),
    outcome: 'completed',
    lastStep: 'bye',
    lastStepKind: 'say',
    path: ['welcome', 'menu', 'bye'],
    facts: {},
    ...how,
  };
}

/** A messaging conversation as the idle sweep finds it. */
export function idleConversation(
  conversationId: string,
  channel: ConversationState['channel'],
  customerHash: string,
  startedAt: string,
  seconds: number,
  handedOff = false,
): ConversationState {
  return {
    conversationId,
    channel,
    agent: 'care',
    customer: customerHash,
    business: channel === 'sms' ? '+18005550800' : '5f5b2a0e-8c6b-4b7a-9a43-0b7c2f1d9e11',
    status: handedOff ? 'handedOff' : 'open',
    startedAt,
    lastActivityAt: at(startedAt, seconds),
    history: [{ role: 'customer', text: 'hello', at: startedAt }],
    rateHour: startedAt.slice(0, 13),
    rateCount: 1,
    deliveryFailures: 0,
  };
}

/** A summary document as the insights pipeline writes it (already redacted). */
export function summaryOf(
  id: string,
  startedAt: string,
  options: {
    topics: string[];
    sentiment: 'positive' | 'neutral' | 'negative';
    score: number;
    issue: string;
    resolution: string;
    followUps?: string[];
  },
): SummaryDocument {
  return {
    summarySchemaVersion: 1,
    id,
    source: 'recording',
    schemaVersion: 1,
    channel: 'voice',
    startedAt,
    createdAt: startedAt,
    provider: 'local',
    turnCount: 4,
    redaction: {} as SummaryDocument['redaction'],
    summary: { issue: options.issue, resolution: options.resolution, followUps: options.followUps ?? [] },
    sentiment: { overall: { label: options.sentiment, score: options.score }, perTurn: [] },
    keyPhrases: options.topics,
    language: 'en',
  };
}
