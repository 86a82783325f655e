import { app, type InvocationContext } from '@azure/functions';
import { getInsights } from '../shared/app/insightsServices';
import { transcribeRecordingBlob } from '../shared/summaries/transcribeRecordingBlob';

// recordings/{callId}/{file} -> transcripts/{callId}.json (speech-to-text: Azure AI Speech or pocketsphinx)
export async function transcribeRecording(blob: Buffer, context: InvocationContext): Promise<void> {
  const metadata = (context.triggerMetadata?.metadata ?? {}) as Record<string, string | undefined>;
  const result = await transcribeRecordingBlob(
    String(context.triggerMetadata?.callId),
    String(context.triggerMetadata?.file),
    blob,
    metadata,
    getInsights(),
  );
  context.info('recording transcribed', result);
}

app.storageBlob('transcribeRecording', {
  path: 'recordings/{callId}/{file}',
  connection: 'AzureWebJobsStorage',
  source: 'EventGrid', // Flex Consumption runs only Event Grid-based blob triggers (no container scans)
  handler: transcribeRecording,
});
