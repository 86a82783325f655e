/** Audio that no retry can make usable: callers treat it as a poison input (dead letter `corrupt_audio`). */
export class CorruptAudioError extends Error {
  readonly reason = 'corrupt_audio' as const;
  readonly retryable = false;
  override readonly name = 'CorruptAudioError';
}

// Just enough of the RIFF/WAVE header to decide whether audio can go to a recogniser as is, needs
// converting, or is corrupt (a poison input for the dead-letter container).

export interface WavInfo {
  /** 1 = PCM, 3 = IEEE float, 6/7 = A-law/mu-law, 0xFFFE = extensible. */
  audioFormat: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  dataOffset: number;
  dataBytes: number;
  durationMs: number;
}

export function readWavInfo(wav: Buffer, sourceName = 'audio'): WavInfo {
  const corrupt = (why: string) => new CorruptAudioError(`${sourceName}: not a usable WAV file (${why})`);
  if (wav.length < 44 || wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE')
    throw corrupt('no RIFF/WAVE header');
  let offset = 12;
  let fmt: Omit<WavInfo, 'dataOffset' | 'dataBytes' | 'durationMs'> | undefined;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      if (size < 16 || offset + 24 > wav.length) throw corrupt('short fmt chunk');
      fmt = {
        audioFormat: wav.readUInt16LE(offset + 8),
        channels: wav.readUInt16LE(offset + 10),
        sampleRate: wav.readUInt32LE(offset + 12),
        bitsPerSample: wav.readUInt16LE(offset + 22),
      };
    } else if (id === 'data') {
      if (!fmt) throw corrupt('data before fmt');
      if (fmt.channels === 0 || fmt.sampleRate === 0 || fmt.bitsPerSample === 0)
        throw corrupt('zero channels, rate or sample size');
      // Streamed recordings may carry a placeholder size (0 or 0xFFFFFFFF): trust the file length.
      const available = wav.length - offset - 8;
      const dataBytes = size === 0 || size > available ? available : size;
      const bytesPerSecond = (fmt.sampleRate * fmt.channels * fmt.bitsPerSample) / 8;
      return { ...fmt, dataOffset: offset + 8, dataBytes, durationMs: Math.round((dataBytes / bytesPerSecond) * 1000) };
    }
    offset += 8 + size + (size % 2);
  }
  throw corrupt(fmt ? 'no data chunk' : 'no fmt chunk');
}

export type AudioContainer = 'wav' | 'mp3' | 'flac' | 'ogg' | 'mp4';

export const AUDIO_CONTENT_TYPES: Record<AudioContainer, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  mp4: 'audio/mp4',
};

/**
 * The container of an audio file from its first bytes (ACS records WAV, MP3 or MP4). Anything else is not
 * audio this pipeline can use: CorruptAudioError.
 */
export function sniffAudio(audio: Buffer, sourceName = 'audio'): AudioContainer {
  const ascii = (from: number, to: number) => audio.toString('ascii', from, to);
  if (audio.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'wav';
  if (audio.length >= 4 && ascii(0, 4) === 'fLaC') return 'flac';
  if (audio.length >= 4 && ascii(0, 4) === 'OggS') return 'ogg';
  if (audio.length >= 12 && ascii(4, 8) === 'ftyp') return 'mp4';
  if (audio.length >= 3 && ascii(0, 3) === 'ID3') return 'mp3';
  if (audio.length >= 2 && audio[0] === 0xff && (audio[1] & 0xe0) === 0xe0) return 'mp3';
  throw new CorruptAudioError(`${sourceName}: not a recognised audio file (WAV, MP3, FLAC, OGG or MP4 expected)`);
}
