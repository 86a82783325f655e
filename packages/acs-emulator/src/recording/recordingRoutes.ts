// Call recording REST routes (HMAC): start, state, pause, resume, stop; and the recording content host
// (*.asm.skype.com, reached through the emulator's proxy) that the SDK's downloadStreaming/delete call.
import type { AcsContext } from '../context';
import { acsErrors } from '../errors';
import { route, type Reply, type Route } from '../http/router';
import { optionalString } from '../callAutomation/requestFields';
import { Recording } from './recording';
import type { RecordingStore } from './recordingStore';

const FILE_READY_DELAY_MS = 2_000;
export const RECORDING_HOST = 'emulator.asm.skype.com';

function stateChanged(recording: Recording): void {
  recording.call.emit(
    'RecordingStateChanged',
    {
      recordingId: recording.recordingId,
      state: recording.state,
      startDateTime: recording.startedAt.toISOString(),
      recordingKind: 'AzureCommunicationServices',
      resultInformation: { code: 200, subCode: 0, message: 'Recording state changed.' },
    },
    recording.options.stateCallbackUri,
  );
}

function publishFile(ctx: AcsContext, recording: Recording, sessionEndReason: string): void {
  ctx.scheduler.after(FILE_READY_DELAY_MS, async () => {
    await recording.rendered;
    const base = `https://${RECORDING_HOST}/v1/objects/${recording.documentId}`;
    ctx.eventGrid.publish(
      'Microsoft.Communication.RecordingFileStatusUpdated',
      `/recording/call/${recording.call.correlationId}/serverCallId/${recording.call.serverCallId}`,
      {
        recordingStorageInfo: {
          recordingChunks: [
            {
              documentId: recording.documentId,
              index: 0,
              endReason: 'SessionEnded',
              contentLocation: `${base}/content/audio`,
              metadataLocation: `${base}/content/acsmetadata`,
              deleteLocation: base,
            },
          ],
        },
        recordingStartTime: recording.startedAt.toISOString(),
        recordingDurationMs: recording.durationMs,
        recordingContentType: 'Audio',
        recordingChannelType: recording.options.channelType === 'unmixed' ? 'Unmixed' : 'Mixed',
        recordingFormatType: 'Wav',
        sessionEndReason,
      },
    );
  });
}

function stop(ctx: AcsContext, recording: Recording, reason: string): void {
  if (recording.stopped) return;
  const wasActive = recording.state === 'active';
  recording.rendered = recording.stop();
  if (wasActive) stateChanged(recording);
  publishFile(ctx, recording, reason);
}

function stateReply(recording: Recording): Reply {
  return {
    status: 200,
    body: {
      recordingId: recording.recordingId,
      recordingState: recording.state,
      recordingKind: 'AzureCommunicationServices',
    },
  };
}

/**
 * The combinations ACS records (audio: mixed wav or mp3, unmixed wav; audioVideo: mixed mp4); anything else is
 * refused as ACS refuses it. The emulator renders WAV only, so it refuses mp3 and mp4 too, saying so, rather
 * than hand back a WAV labelled as something else.
 */
function checkRecordingFormat(contentType: string, channelType: string, formatType: string): void {
  if (!['audio', 'audioVideo'].includes(contentType))
    throw acsErrors.invalidBody("'recordingContentType' must be audio or audioVideo.");
  if (!['mixed', 'unmixed'].includes(channelType))
    throw acsErrors.invalidBody("'recordingChannelType' must be mixed or unmixed.");
  if (!['wav', 'mp3', 'mp4'].includes(formatType))
    throw acsErrors.invalidBody("'recordingFormatType' must be wav, mp3 or mp4.");
  const supported =
    contentType === 'audio'
      ? channelType === 'mixed'
        ? ['wav', 'mp3']
        : ['wav']
      : channelType === 'mixed'
        ? ['mp4']
        : [];
  if (!supported.includes(formatType))
    throw acsErrors.invalidBody(
      `Recording ${contentType} ${channelType} as ${formatType} is not supported: ` +
        'audio is recorded mixed as wav or mp3 or unmixed as wav, audioVideo mixed as mp4.',
    );
  if (formatType !== 'wav')
    throw acsErrors.invalidBody(`The ACS emulator records wav only; ${formatType} recording is not emulated.`);
}

export function recordingRoutes(ctx: AcsContext, recordings: RecordingStore): Route[] {
  return [
    route('POST', /^\/calling\/recordings$/, 'hmac', 'startRecording', (req) => {
      const body = req.body;
      const locator = body.callLocator as { serverCallId?: unknown } | undefined;
      const connectionId = optionalString(body, 'callConnectionId');
      const call = connectionId
        ? ctx.calls.established(connectionId)
        : typeof locator?.serverCallId === 'string'
          ? ctx.calls.byServerCall(locator.serverCallId)
          : undefined;
      if (!call || !call.isConnected) throw acsErrors.callNotFound();
      const contentType = optionalString(body, 'recordingContentType') ?? 'audio';
      const channelType = optionalString(body, 'recordingChannelType') ?? 'mixed';
      const formatType = optionalString(body, 'recordingFormatType') ?? (contentType === 'audioVideo' ? 'mp4' : 'wav');
      checkRecordingFormat(contentType, channelType, formatType);
      const stateCallbackUri = optionalString(body, 'recordingStateCallbackUri');
      const recording = new Recording(
        call,
        {
          stateCallbackUri,
          contentType,
          channelType,
          formatType,
        },
        ctx.options.timeScale,
      );
      recordings.add(recording);
      call.onEnd.push(() => stop(ctx, recording, 'CallEnded'));
      if (body.pauseOnStart !== true) {
        recording.activate();
        stateChanged(recording);
      }
      return stateReply(recording);
    }),
    route('GET', /^\/calling\/recordings\/([^/:]+)$/, 'hmac', 'getRecordingState', (req) =>
      stateReply(recordings.get(req.params[0])),
    ),
    route('POST', /^\/calling\/recordings\/([^/:]+):pause$/, 'hmac', 'pauseRecording', (req) => {
      const recording = recordings.get(req.params[0]);
      if (recording.state === 'active') {
        recording.deactivate();
        stateChanged(recording);
      }
      return { status: 202 };
    }),
    route('POST', /^\/calling\/recordings\/([^/:]+):resume$/, 'hmac', 'resumeRecording', (req) => {
      const recording = recordings.get(req.params[0]);
      if (recording.state === 'inactive') {
        recording.activate();
        stateChanged(recording);
      }
      return { status: 202 };
    }),
    route('DELETE', /^\/calling\/recordings\/([^/:]+)$/, 'hmac', 'stopRecording', (req) => {
      stop(ctx, recordings.get(req.params[0]), 'RecordingStopped');
      return { status: 204 };
    }),
    route('GET', /^\/v1\/objects\/([^/]+)\/content\/audio$/, 'hmac', 'downloadRecording', (req): Reply => {
      const file = recordings.document(req.params[0]).file!;
      const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ''));
      if (!range) return { status: 200, body: file, headers: { 'content-type': 'audio/wav' } };
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), file.length - 1) : file.length - 1;
      if (start >= file.length || start > end)
        return { status: 416, body: acsErrors.invalidBody('Range not satisfiable.').toBody() };
      return {
        status: 206,
        body: file.subarray(start, end + 1),
        headers: { 'content-type': 'audio/wav', 'content-range': `bytes ${start}-${end}/${file.length}` },
      };
    }),
    route('GET', /^\/v1\/objects\/([^/]+)\/content\/acsmetadata$/, 'hmac', 'downloadRecordingMetadata', (req) => {
      const recording = recordings.document(req.params[0]);
      return {
        status: 200,
        body: {
          resourceId: ctx.options.immutableResourceId,
          callId: recording.call.correlationId,
          chunkDocumentId: recording.documentId,
          chunkIndex: 0,
          chunkStartTime: recording.startedAt.toISOString(),
          chunkDuration: recording.durationMs,
          recordingInfo: {
            contentType: 'audio',
            channelType: 'mixed',
            format: 'wav',
            audioConfiguration: { sampleRate: '16000', bitRate: '256000', channels: '1' },
          },
          participants: [...recording.call.participants.values()].map((p) => ({ participantId: p.identifier.rawId })),
        },
      };
    }),
    route('DELETE', /^\/v1\/objects\/([^/]+)$/, 'hmac', 'deleteRecording', (req) => {
      recordings.document(req.params[0]).deleted = true;
      return { status: 200 };
    }),
  ];
}
