import { app, type InvocationContext } from '@azure/functions';
import { getInsights } from '../shared/app/insightsServices';

// recordings/{callId}/{file} -> transcripts/{callId}.json (speech-to-text: Azure AI Speech or pocketsphinx)
export async function transcribeRecording(blob: Buffer, context: InvocationContext): Promise<void> {
  // Speech-to-text and transcript validation load on first use, not when the worker starts (cold start).
  const { transcribeRecordingBlob } = await import('../shared/summaries/transcribeRecordingBlob.js');
  const metadata = (context.triggerMetadata?.metadata ?? {}) as Record<string, string | undefined>;
  const result = await transcribeRecordingBlob(
    String(context.triggerMetadata?.callId),
    String(context.triggerMetadata?.file),
    blob,
    metadata,
    await getInsights(),
  );
  context.info('recording transcribed', result);
}

app.storageBlob('transcribeRecording', {
  path: 'recordings/{callId}/{file}',
  connection: 'AzureWebJobsStorage',
  source: 'EventGrid', // Flex Consumption runs only Event Grid-based blob triggers (no container scans)
  handler: transcribeRecording,
});
