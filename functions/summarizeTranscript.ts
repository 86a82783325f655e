import { app, type InvocationContext } from '@azure/functions';
import { getInsights } from '../shared/app/insightsServices';
import { summarizeInput } from '../shared/summaries/summarizeInput';
import { callMetrics } from '../shared/telemetry/metrics';

// transcripts/{name} (recording transcripts and live transcripts) -> summaries/{id}.json + .md
export async function summarizeTranscript(blob: Buffer, context: InvocationContext): Promise<void> {
  const name = String(context.triggerMetadata?.name);
  const started = performance.now();
  const result = await summarizeInput('transcript', name, blob, getInsights());
  callMetrics.insights(performance.now() - started, { input: 'transcript', outcome: result.outcome });
  context.info('transcript processed', {
    outcome: result.outcome,
    ...('reason' in result ? { reason: result.reason } : {}),
  });
}

app.storageBlob('summarizeTranscript', {
  path: 'transcripts/{name}',
  connection: 'AzureWebJobsStorage',
  source: 'EventGrid', // Flex Consumption runs only Event Grid-based blob triggers (no container scans)
  handler: summarizeTranscript,
});
