import { app, type EventGridEvent, type InvocationContext } from '@azure/functions';
import { getServices } from '../shared/app/services';
import { getInsights } from '../shared/app/insightsServices';
import { storeRecording } from '../shared/summaries/storeRecording';
import { ValidationError, safeMessage } from '../shared/errors';

// Microsoft.Communication.RecordingFileStatusUpdated: copy the finished recording into blob storage.
export async function recordingFileStatusUpdated(event: EventGridEvent, context: InvocationContext): Promise<void> {
  if (event.eventType !== 'Microsoft.Communication.RecordingFileStatusUpdated') return;
  const { callAutomation, config } = getServices();
  try {
    const chunks = await storeRecording(event.subject, event.data, { client: callAutomation, blobs: getInsights().blobs, deleteSource: config.deleteRecordingsAfterDownload });
    context.info('recording stored', { chunks: chunks.length, skipped: chunks.filter((c) => c.skipped).length });
  } catch (error) {
    if (error instanceof ValidationError) {
      context.warn('recording event rejected', { reason: safeMessage(error), eventId: event.id });
      return;
    }
    throw error;
  }
}

app.eventGrid('recordingFileStatusUpdated', { handler: recordingFileStatusUpdated });
