import { app, type EventGridEvent, type InvocationContext } from '@azure/functions';
import { getServices } from '../src/app/services';
import { getInsightsBlobs } from '../src/app/insightsServices';
import { dropIfInvalid } from '@switchboard/core/errors';
import { inEventGridSchema } from '../src/acs/eventGridSchemas';

// Microsoft.Communication.RecordingFileStatusUpdated: copy the finished recording into blob storage.
export async function recordingFileStatusUpdated(received: EventGridEvent, context: InvocationContext): Promise<void> {
  const event = inEventGridSchema(received); // either schema the trigger supports
  if (event.eventType !== 'Microsoft.Communication.RecordingFileStatusUpdated') return;
  const { callAutomation, config, deadLetters } = await getServices();
  const blobs = await getInsightsBlobs();
  // Its zod-validated parsing loads on first use, not when the worker starts (cold start).
  const { storeRecording } = await import('../src/summaries/storeRecording.js');
  const chunks = await dropIfInvalid(
    () =>
      storeRecording(event.subject, event.data, {
        client: callAutomation,
        blobs,
        deleteSource: config.deleteRecordingsAfterDownload,
      }),
    deadLetters.dropper('recordingFileStatusUpdated', event, (message, properties) =>
      context.warn(message, properties),
    ),
  );
  if (chunks)
    context.info('recording stored', { chunks: chunks.length, skipped: chunks.filter((c) => c.skipped).length });
}

app.eventGrid('recordingFileStatusUpdated', { handler: recordingFileStatusUpdated });
