// The ACS media streaming WebSocket's wire frames (acs-wire-protocol.md): PascalCase kinds inbound,
// lower-case kinds outbound, exactly as the Call Automation SDK's streaming helpers read and write them.

export interface AudioMetadata {
  subscriptionId?: string;
  encoding?: string;
  sampleRate?: number;
  channels?: number;
  length?: number;
}

export interface AudioData {
  data: string;
  timestamp?: string;
  participantRawID?: string;
  silent?: boolean;
}

export interface TranscriptionMetadata {
  subscriptionId?: string;
  locale?: string;
  callConnectionId?: string;
  correlationId?: string;
}

export interface TranscriptionData {
  text: string;
  format?: string;
  confidence?: number;
  /** Ticks of 100 ns from the start of transcription. */
  offset?: number;
  duration?: number;
  participantRawID?: string;
  /** 'Intermediate' or 'Final'. */
  resultStatus?: string;
}

export type InboundFrame =
  | { kind: 'AudioMetadata'; audioMetadata: AudioMetadata }
  | { kind: 'AudioData'; audioData: AudioData }
  | { kind: 'DtmfData'; dtmfData: { data: string; participantRawID?: string } }
  | { kind: 'TranscriptionMetadata'; transcriptionMetadata: TranscriptionMetadata }
  | { kind: 'TranscriptionData'; transcriptionData: TranscriptionData };

/** A WebSocket message's UTF-8 text: ws delivers Buffers unless binaryType changes, but its RawData type
 * also allows ArrayBuffers and fragment arrays. */
export function messageText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** Why a frame was not understood: safe to log (no frame content). */
export class FrameError extends Error {}

const KINDS = new Set(['AudioMetadata', 'AudioData', 'DtmfData', 'TranscriptionMetadata', 'TranscriptionData']);
const FIELD: Record<string, string> = {
  AudioMetadata: 'audioMetadata',
  AudioData: 'audioData',
  DtmfData: 'dtmfData',
  TranscriptionMetadata: 'transcriptionMetadata',
  TranscriptionData: 'transcriptionData',
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Parses one inbound text frame; throws FrameError naming what is wrong. */
export function parseInboundFrame(raw: string): InboundFrame {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new FrameError('frame is not JSON');
  }
  if (typeof value !== 'object' || value === null) throw new FrameError('frame is not a JSON object');
  const kind = (value as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !KINDS.has(kind)) throw new FrameError(`unknown frame kind ${JSON.stringify(kind)}`);
  const body = (value as Record<string, unknown>)[FIELD[kind]];
  if (typeof body !== 'object' || body === null) throw new FrameError(`${kind} frame has no ${FIELD[kind]} object`);
  if (kind === 'AudioData') {
    const data = (body as { data?: unknown }).data;
    if (typeof data !== 'string') throw new FrameError('AudioData frame has no base64 data');
    // Checked here, as the audio goes on to the model without being decoded: one bad frame must not fail the
    // model session. (The check costs about as much as parsing the frame; a hand-written parser of ACS's
    // layout measured no faster than JSON.parse once it checked the audio too.)
    if (data.length % 4 !== 0 || !BASE64.test(data)) throw new FrameError('AudioData frame data is not base64');
  }
  if (kind === 'TranscriptionData' && typeof (body as { text?: unknown }).text !== 'string')
    throw new FrameError('TranscriptionData frame has no text');
  return value as InboundFrame;
}

/** An outbound audio frame, the shape the SDK's createOutboundAudioData helper emits. */
export function audioDataFrame(pcm: Buffer): string {
  return `{"kind":"audioData","audioData":{"data":"${pcm.toString('base64')}","isSilent":false},"stopAudio":{}}`;
}

export const STOP_AUDIO_FRAME = '{"kind":"stopAudio","stopAudio":{}}';
