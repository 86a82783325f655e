import { app, type EventGridEvent, type InvocationContext } from '@azure/functions';
import { getServices } from '../shared/app/services';
import { getInsights } from '../shared/app/insightsServices';
import { storeRecording } from '../shared/summaries/storeRecording';
import { dropIfInvalid } from '../shared/errors';

// Microsoft.Communication.RecordingFileStatusUpdated: copy the finished recording into blob storage.
export async function recordingFileStatusUpdated(event: EventGridEvent, context: InvocationContext): Promise<void> {
  if (event.eventType !== 'Microsoft.Communication.RecordingFileStatusUpdated') return;
  const { callAutomation, config, deadLetters } = getServices();
  const chunks = await dropIfInvalid(
    () =>
      storeRecording(event.subject, event.data, {
        client: callAutomation,
        blobs: getInsights().blobs,
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
