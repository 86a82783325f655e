import { app, type InvocationContext } from '@azure/functions';
import { getInsights } from '../shared/app/insightsServices';
import { summarizeInput } from '../shared/summaries/summarizeInput';
import { callMetrics } from '../shared/telemetry/metrics';

// chat-exports/{threadId}.json -> summaries/{id}.json + .md
export async function summarizeChatExport(blob: Buffer, context: InvocationContext): Promise<void> {
  const name = String(context.triggerMetadata?.name);
  const started = performance.now();
  const result = await summarizeInput('chat-export', name, blob, getInsights());
  callMetrics.insights(performance.now() - started, { input: 'chat-export', outcome: result.outcome });
  context.info('chat export processed', {
    outcome: result.outcome,
    ...('reason' in result ? { reason: result.reason } : {}),
  });
}

app.storageBlob('summarizeChatExport', {
  path: 'chat-exports/{name}',
  connection: 'AzureWebJobsStorage',
  source: 'EventGrid', // Flex Consumption runs only Event Grid-based blob triggers (no container scans)
  handler: summarizeChatExport,
});
