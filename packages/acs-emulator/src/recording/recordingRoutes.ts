// Call recording REST routes (HMAC): start, state, pause, resume, stop; and the recording content host
// (*.asm.skype.com, reached through the emulator's proxy) that the SDK's downloadStreaming/delete call.
import type { AcsContext } from '../context';
import { acsErrors } from '../errors';
import { route, type Reply, type Route } from '../http/router';
import { optionalString } from '../callAutomation/requestFields';
import { Recording } from './recording';
import { MP3_KBPS, VIDEO } from './recordingEncoders';
import { SAMPLE_RATE } from './wavRenderer';
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

const MEDIA_TYPES: Record<string, string> = { wav: 'audio/wav', mp3: 'audio/mpeg', mp4: 'video/mp4' };
const title = (word: string) => word[0].toUpperCase() + word.slice(1);

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
              // ACS serves an audioVideo recording's file under content/video, an audio one's under content/audio.
              contentLocation: `${base}/content/${recording.options.contentType === 'audioVideo' ? 'video' : 'audio'}`,
              metadataLocation: `${base}/content/acsmetadata`,
              deleteLocation: base,
            },
          ],
        },
        recordingStartTime: recording.startedAt.toISOString(),
        recordingDurationMs: recording.durationMs,
        recordingContentType: title(recording.options.contentType),
        recordingChannelType: title(recording.options.channelType),
        recordingFormatType: title(recording.options.formatType),
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

/** What the file is, as the recording's metadata document describes it. */
function recordingInfo(recording: Recording) {
  const { contentType, channelType, formatType } = recording.options;
  const channels = channelType === 'unmixed' ? Math.max(1, recording.channels.length) : 1;
  const bitRate = formatType === 'wav' ? SAMPLE_RATE * 16 * channels : MP3_KBPS * 1000;
  return {
    contentType,
    channelType,
    format: formatType,
    audioConfiguration: { sampleRate: String(SAMPLE_RATE), bitRate: String(bitRate), channels: String(channels) },
    ...(contentType === 'audioVideo'
      ? {
          videoConfiguration: {
            longerSideLength: String(VIDEO.width),
            shorterSideLength: String(VIDEO.height),
            framerate: String(VIDEO.frameRate),
          },
        }
      : {}),
  };
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
 * The combinations ACS records (audio: mixed wav or mp3, unmixed wav; audioVideo: mixed mp4), each rendered as
 * a real file of that format; anything else is refused as ACS refuses it.
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
    route('GET', /^\/v1\/objects\/([^/]+)\/content\/(audio|video)$/, 'hmac', 'downloadRecording', (req): Reply => {
      const recording = recordings.document(req.params[0]);
      const file = recording.file!;
      const type = MEDIA_TYPES[recording.options.formatType];
      const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ''));
      if (!range) return { status: 200, body: file, headers: { 'content-type': type } };
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), file.length - 1) : file.length - 1;
      if (start >= file.length || start > end)
        return { status: 416, body: acsErrors.invalidBody('Range not satisfiable.').toBody() };
      return {
        status: 206,
        body: file.subarray(start, end + 1),
        headers: { 'content-type': type, 'content-range': `bytes ${start}-${end}/${file.length}` },
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
          recordingInfo: recordingInfo(recording),
          // Unmixed: which channel carries whom (ACS puts the channel-participant mapping in the metadata).
          participants: [...recording.call.participants.values()].map((p) => {
            const channel = recording.channels.indexOf(p.identifier.rawId);
            return { participantId: p.identifier.rawId, ...(channel >= 0 ? { channel } : {}) };
          }),
        },
      };
    }),
    route('DELETE', /^\/v1\/objects\/([^/]+)$/, 'hmac', 'deleteRecording', (req) => {
      recordings.document(req.params[0]).deleted = true;
      return { status: 200 };
    }),
  ];
}
