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
  return checkedFrame(value);
}

function checkedFrame(value: unknown): InboundFrame {
  if (typeof value !== 'object' || value === null) throw new FrameError('frame is not a JSON object');
  const kind = (value as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !KINDS.has(kind)) throw new FrameError(`unknown frame kind ${JSON.stringify(kind)}`);
  const body = (value as Record<string, unknown>)[FIELD[kind]];
  if (typeof body !== 'object' || body === null) throw new FrameError(`${kind} frame has no ${FIELD[kind]} object`);
  if (kind === 'AudioData') {
    const data = (body as { data?: unknown }).data;
    if (typeof data !== 'string') throw new FrameError('AudioData frame has no base64 data');
    // Checked here, as the audio goes on to the model without being decoded: one bad frame must not fail the
    // model session.
    if (data.length % 4 !== 0 || !BASE64.test(data)) throw new FrameError('AudioData frame data is not base64');
  }
  if (kind === 'TranscriptionData' && typeof (body as { text?: unknown }).text !== 'string')
    throw new FrameError('TranscriptionData frame has no text');
  return value as InboundFrame;
}

// ACS sends 50 AudioData frames a second per call, each ~1.3 KB, almost all of it the base64 audio. A frame
// laid out as ACS writes it is read from its bytes: the audio is checked as base64 where it lies and becomes
// a string once, and only the ~100 characters around it are matched (timestamp, participantRawID, silent).
// The answer is the one JSON.parse gives; any other layout (another field order, escapes, extra fields, a
// bad frame) is parsed whole, which also names what is wrong with a bad one.
const AUDIO_HEAD = Buffer.from('{"kind":"AudioData","audioData":{"data":"', 'latin1');
/** The rest of the frame after the audio; its strings printable ASCII with no quote or escape. */
const AUDIO_TAIL =
  /^","timestamp":"([ !#-[\]-~]*)",(?:"participantRawID":"([ !#-[\]-~]*)",)?"silent":(true|false)\}\}$|^"\}\}$/;
const BASE64_BYTE = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') BASE64_BYTE[c.charCodeAt(0)] = 1;
const EQUALS = 0x3d;
const QUOTE = 0x22;

function isBase64(bytes: Buffer, start: number, end: number): boolean {
  if ((end - start) % 4 !== 0) return false;
  let last = end;
  if (last > start && bytes[last - 1] === EQUALS) last -= 1;
  if (last > start && bytes[last - 1] === EQUALS) last -= 1;
  for (let i = start; i < last; i++) if (BASE64_BYTE[bytes[i]] === 0) return false;
  return true;
}

function audioDataAsAcsWritesIt(bytes: Buffer): InboundFrame | undefined {
  const start = AUDIO_HEAD.length;
  if (bytes.length <= start || bytes.compare(AUDIO_HEAD, 0, start, 0, start) !== 0) return undefined;
  const end = bytes.indexOf(QUOTE, start);
  // The tail is ASCII in ACS's layout; anything else goes to JSON.parse.
  if (end < 0 || bytes.length - end > 512 || !isBase64(bytes, start, end)) return undefined;
  const tail = AUDIO_TAIL.exec(bytes.toString('latin1', end));
  if (!tail) return undefined;
  const audioData: AudioData = { data: bytes.toString('latin1', start, end) };
  if (tail[1] !== undefined) audioData.timestamp = tail[1];
  if (tail[2] !== undefined) audioData.participantRawID = tail[2];
  if (tail[3] !== undefined) audioData.silent = tail[3] === 'true';
  return { kind: 'AudioData', audioData };
}

/** Reads one inbound WebSocket text message; throws FrameError naming what is wrong. */
export function readInboundFrame(data: Buffer | ArrayBuffer | Buffer[]): InboundFrame {
  return (Buffer.isBuffer(data) && audioDataAsAcsWritesIt(data)) || parseInboundFrame(messageText(data));
}

// Outbound audio frames are written as bytes from a template: the socket takes them as they are, with no
// string to measure and encode again for each of the 50 frames a second.
const OUT_HEAD = Buffer.from('{"kind":"audioData","audioData":{"data":"', 'latin1');
const OUT_TAIL = Buffer.from('","isSilent":false},"stopAudio":{}}', 'latin1');

/** An outbound audio frame (UTF-8 JSON text), the shape the SDK's createOutboundAudioData helper emits. */
export function audioDataFrame(pcm: Buffer): Buffer {
  const chars = Math.ceil(pcm.length / 3) * 4;
  const frame = Buffer.allocUnsafe(OUT_HEAD.length + chars + OUT_TAIL.length);
  OUT_HEAD.copy(frame, 0);
  frame.write(pcm.toString('base64'), OUT_HEAD.length, 'latin1');
  OUT_TAIL.copy(frame, OUT_HEAD.length + chars);
  return frame;
}

export const STOP_AUDIO_FRAME = '{"kind":"stopAudio","stopAudio":{}}';
