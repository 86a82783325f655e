import { RemoteServiceError } from '@switchboard/core/errors';
import type { Conversation } from '@switchboard/core/conversation';
import type { ConversationSummary } from './insightsProvider';
import { runJob, type AzureAiClient } from './azureAiClient';

// Conversation summarization (issue / resolution / follow-up tasks) through the Language service's
// analyze-conversations jobs REST API: @azure/ai-text-analytics 5.1 has no summarization at all, and no
// maintained JavaScript SDK covers conversation summarization (@azure/ai-language-conversations is a 2023 beta),
// so this sends the job on the Azure SDK's REST client and polls it with @azure/core-lro (azureAiClient).

export interface ConversationSummarizerOptions {
  /** 2024-11-01 is GA and has the "follow-up tasks" aspect; 2023-04-01 has issue and resolution only. */
  apiVersion?: string;
  aspects?: string[];
  /** Between polls, unless the service's Retry-After says otherwise. */
  pollIntervalMs?: number;
  /** How long a job may take before it fails as retryable. */
  timeoutMs?: number;
}

/** The service takes up to 125,000 characters per job; longer calls keep their beginning. */
const MAX_CONVERSATION_CHARS = 125_000;

interface JobState {
  status: 'notStarted' | 'running' | 'succeeded' | 'partiallyCompleted' | 'failed' | 'cancelled' | 'cancelling';
  errors?: Array<{ code?: string }>;
  tasks?: {
    items?: Array<{
      status?: string;
      results?: {
        conversations?: Array<{ summaries?: Array<{ aspect: string; text: string }> }>;
        errors?: Array<{ error?: { code?: string } }>;
      };
    }>;
  };
}

export async function summarizeWithLanguageService(
  client: AzureAiClient,
  conversation: Conversation,
  language: string,
  options: ConversationSummarizerOptions = {},
): Promise<ConversationSummary> {
  const apiVersion = options.apiVersion ?? '2024-11-01';
  const aspects =
    options.aspects ??
    (apiVersion >= '2023-11-15' ? ['issue', 'resolution', 'follow-up tasks'] : ['issue', 'resolution']);

  let budget = MAX_CONVERSATION_CHARS;
  const conversationItems = conversation.turns
    .map((t, i) => ({
      id: String(i + 1),
      participantId: t.participantId,
      role: t.role === 'customer' ? 'Customer' : 'Agent',
      text: t.text.trim(),
    }))
    .filter((item) => item.text.length > 0 && (budget -= item.text.length) >= 0);

  const body = {
    displayName: 'switchboard conversation summary',
    analysisInput: {
      conversations: [
        {
          id: '1',
          language: language === 'und' ? 'en' : language,
          modality: 'text',
          domain: 'generic',
          conversationItems,
        },
      ],
    },
    tasks: [{ taskName: 'summary', kind: 'ConversationalSummarizationTask', parameters: { summaryAspects: aspects } }],
  };
  const job = await runJob<JobState>(
    client,
    'the summarization job',
    () =>
      client.rest
        .pathUnchecked('/language/analyze-conversations/jobs')
        .post({ queryParameters: { 'api-version': apiVersion }, body }),
    { pollIntervalMs: options.pollIntervalMs, timeoutMs: options.timeoutMs },
  );
  if (job.status === 'succeeded' || job.status === 'partiallyCompleted') return readSummary(job);
  const codes = [
    ...(job.errors ?? []),
    ...(job.tasks?.items?.flatMap((i) => i.results?.errors?.map((e) => e.error ?? {}) ?? []) ?? []),
  ]
    .map((e) => e.code)
    .filter(Boolean);
  throw new RemoteServiceError(
    `Azure AI Language summarization job ${job.status}${codes.length ? ` (${codes.join(', ')})` : ''}`,
    { retryable: job.status !== 'failed' },
  );
}

function readSummary(job: JobState): ConversationSummary {
  const summaries =
    job.tasks?.items?.flatMap((item) => item.results?.conversations?.flatMap((c) => c.summaries ?? []) ?? []) ?? [];
  const text = (aspect: string) =>
    summaries
      .filter((s) => s.aspect === aspect)
      .map((s) => s.text.trim())
      .filter(Boolean);
  return {
    issue: text('issue').join(' '),
    resolution: text('resolution').join(' '),
    // The follow-up aspect lists tasks one per line (sometimes bulleted).
    followUps: text('follow-up tasks')
      .flatMap((t) => t.split(/\r?\n/))
      .map((t) => t.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, '').trim())
      .filter(Boolean),
  };
}
