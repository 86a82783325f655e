import { app, type InvocationContext } from '@azure/functions';
import { getAnalytics } from '../src/app/analyticsServices';
import { getInsights } from '../src/app/insightsServices';
import { callMetrics } from '../src/telemetry/metrics';

// chat-exports/{threadId}.json -> summaries/{id}.json + .md
export async function summarizeChatExport(blob: Buffer, context: InvocationContext): Promise<void> {
  // Redaction's name detection loads on first use, not when the worker starts (cold start).
  const { summarizeInput } = await import('../src/summaries/summarizeInput.js');
  const name = String(context.triggerMetadata?.name);
  const started = performance.now();
  const result = await summarizeInput('chat-export', name, blob, await getInsights());
  callMetrics.insights(performance.now() - started, { input: 'chat-export', outcome: result.outcome });
  context.info('chat export processed', {
    outcome: result.outcome,
    ...('reason' in result ? { reason: result.reason } : {}),
  });
  if (result.outcome === 'summarized')
    context.info('summary annotated', { outcome: await (await getAnalytics()).analytics.summarized(result.summary) });
}

app.storageBlob('summarizeChatExport', {
  path: 'chat-exports/{name}',
  connection: 'AzureWebJobsStorage',
  source: 'EventGrid', // Flex Consumption runs only Event Grid-based blob triggers (no container scans)
  handler: summarizeChatExport,
});
