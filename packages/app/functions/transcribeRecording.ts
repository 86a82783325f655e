import { app, type InvocationContext } from '@azure/functions';
import { getInsightsBlobs, getSpeechToText } from '../src/app/insightsServices';

// recordings/{callId}/{file} -> transcripts/{callId}.json (speech-to-text: Azure AI Speech or pocketsphinx)
export async function transcribeRecording(blob: Buffer, context: InvocationContext): Promise<void> {
  // Speech-to-text and transcript validation load on first use, not when the worker starts (cold start),
  // and without the summaries' NLP models, which transcribing does not need.
  const [{ transcribeRecordingBlob }, speech, blobs] = await Promise.all([
    import('../src/summaries/transcribeRecordingBlob.js'),
    getSpeechToText(),
    getInsightsBlobs(),
  ]);
  const metadata = (context.triggerMetadata?.metadata ?? {}) as Record<string, string | undefined>;
  const result = await transcribeRecordingBlob(
    String(context.triggerMetadata?.callId),
    String(context.triggerMetadata?.file),
    blob,
    metadata,
    { speech, blobs },
  );
  context.info('recording transcribed', result);
}

app.storageBlob('transcribeRecording', {
  path: 'recordings/{callId}/{file}',
  connection: 'AzureWebJobsStorage',
  source: 'EventGrid', // Flex Consumption runs only Event Grid-based blob triggers (no container scans)
  handler: transcribeRecording,
});
