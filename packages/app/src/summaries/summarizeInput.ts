import type { InsightsProvider } from '../insights/insightsProvider';
import type { SummaryDocument } from '../insights/summaryDocument';
import { summarizeConversation } from '../insights/pipeline';
import { conversationFromChatExport } from '../insights/conversationFromChatExport';
import { isDeadLetterError } from '@switchboard/core/deadLetterError';
import { Containers, type InsightsBlobs } from './insightsBlobs';

export type SummarizeOutcome =
  | { outcome: 'summarized'; id: string; resolution: string; summary: SummaryDocument }
  | { outcome: 'dead-lettered'; reason: string };

/**
 * One input of the pipeline (a transcript or a chat export) to `summaries/{id}.json` + `.md`. Input that
 * can never be processed goes to `deadletter/` with the reason and the function succeeds, so the
 * pipeline carries on; transient failures (the AI service) throw, so the trigger retries.
 */
export async function summarizeInput(
  kind: 'transcript' | 'chat-export',
  name: string,
  content: Buffer,
  deps: { provider: InsightsProvider; blobs: InsightsBlobs },
): Promise<SummarizeOutcome> {
  const container = kind === 'transcript' ? Containers.transcripts : Containers.chatExports;
  const source = `${container}/${name}`;
  try {
    const input =
      kind === 'chat-export'
        ? conversationFromChatExport(content, { threadId: name.replace(/\.json$/i, '') })
        : content;
    const { summary, markdown } = await summarizeConversation(input, deps.provider, { sourceName: source });
    await deps.blobs.putSummary(summary, markdown, source);
    return { outcome: 'summarized', id: summary.id, resolution: summary.summary.resolution, summary };
  } catch (error) {
    if (!isDeadLetterError(error)) throw error;
    await deps.blobs.deadLetter(source, error.reason, error.message);
    return { outcome: 'dead-lettered', reason: error.reason };
  }
}
