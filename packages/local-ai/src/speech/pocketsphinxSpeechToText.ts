import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnsupportedError } from '@switchboard/core/errors';
import type { Turn } from '@switchboard/core/conversation';
import { participantForChannel, wavBytes, type SpeechToText, type TranscribeOptions } from '@switchboard/core/audio/transcribe';
import { readWavInfo, sniffAudio, type AudioContainer, type WavInfo } from '@switchboard/audio/wav';

// Offline speech-to-text: Debian's pocketsphinx (`pocketsphinx_continuous`, no Node binding) run as a
// child process on 16 kHz mono 16-bit WAV, one run per channel. Audio in any other shape is converted
// with sox. English (US) acoustic model only; accuracy on telephone audio is modest (docs/local-ai.md).

export const LOCAL_STT_UNAVAILABLE =
  'Local speech-to-text is unavailable: pocketsphinx is not installed on this machine. ' +
  'Install it with `apt-get install pocketsphinx pocketsphinx-en-us` (Debian/Ubuntu; add `sox` to convert ' +
  'audio that is not 16 kHz mono 16-bit), or set INSIGHTS_PROVIDER=azure to use Azure AI Speech.';

export interface PocketsphinxOptions {
  /** The recogniser command (default pocketsphinx_continuous, found on PATH). */
  command?: string;
  /** The audio converter (default sox). */
  soxCommand?: string;
  /** Extra recogniser arguments, e.g. ['-hmm', dir, '-lm', file, '-dict', file]. */
  extraArgs?: string[];
  /** Kill a run after this long; default 60 s plus twice the audio's duration. */
  timeoutMs?: number;
}

function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else
        reject(
          Object.assign(
            new Error(`${command} exited with ${signal ?? code}: ${Buffer.concat(err).toString('utf8').slice(-300)}`),
            { code: signal ?? code },
          ),
        );
    });
  });
}

function installed(command: string): Promise<boolean> {
  return new Promise((resolve) => execFile('sh', ['-c', 'command -v "$1"', 'sh', command], (error) => resolve(!error)));
}

/** Whether offline speech-to-text can run here, and if not, why and how to fix it. */
export async function localSpeechToTextStatus(
  options: PocketsphinxOptions = {},
): Promise<{ available: boolean; reason?: string }> {
  return (await installed(options.command ?? 'pocketsphinx_continuous'))
    ? { available: true }
    : { available: false, reason: LOCAL_STT_UNAVAILABLE };
}

/** Parses `pocketsphinx_continuous -time yes` output: a hypothesis line, then "word start end confidence" lines. */
export function parsePocketsphinxOutput(
  stdout: string,
): Array<{ text: string; startMs: number; endMs: number; confidence: number }> {
  const utterances: Array<{ text: string; startMs: number; endMs: number; confidence: number }> = [];
  let words: Array<{ start: number; end: number; conf: number }> = [];
  let hypothesis = '';
  const flush = () => {
    if (hypothesis.trim() && words.length > 0) {
      utterances.push({
        text: hypothesis.trim(),
        startMs: Math.round(words[0].start * 1000),
        endMs: Math.round(words[words.length - 1].end * 1000),
        confidence: Math.round((words.reduce((s, w) => s + w.conf, 0) / words.length) * 1000) / 1000,
      });
    }
    words = [];
    hypothesis = '';
  };
  for (const line of stdout.split('\n')) {
    const m = /^(\S+) (\d+\.\d+) (\d+\.\d+) (\d+(?:\.\d+)?)$/.exec(line.trim());
    if (m) {
      // Fillers (<s>, </s>, <sil>, [NOISE]) carry times but no words.
      if (!/^(<.*>|\[.*\])$/.test(m[1])) words.push({ start: Number(m[2]), end: Number(m[3]), conf: Number(m[4]) });
    } else if (line.trim()) {
      flush();
      hypothesis = line;
    }
  }
  flush();
  return utterances;
}

const isRecognisable = (info: WavInfo) =>
  info.audioFormat === 1 && info.sampleRate === 16000 && info.bitsPerSample === 16;

export class PocketsphinxSpeechToText implements SpeechToText {
  readonly name = 'pocketsphinx';

  constructor(private readonly options: PocketsphinxOptions = {}) {}

  async transcribe(wav: Buffer | string, options: TranscribeOptions = {}): Promise<Turn[]> {
    const command = this.options.command ?? 'pocketsphinx_continuous';
    if (!(await installed(command))) throw new UnsupportedError(LOCAL_STT_UNAVAILABLE);
    const audio = await wavBytes(wav);
    const container = sniffAudio(audio, options.sourceName);
    // Only WAV headers are read here; other containers are converted by sox and mixed to one stream.
    const info = container === 'wav' ? readWavInfo(audio, options.sourceName) : undefined;
    const timeoutMs = this.options.timeoutMs ?? 60_000 + 2 * (info?.durationMs ?? 30 * 60_000);
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-stt-'));
    try {
      const input = join(dir, `input.${container}`);
      await writeFile(input, audio);
      const channels = info && info.channels > 1 ? Array.from({ length: info.channels }, (_, i) => i) : [undefined];
      const turns: Turn[] = [];
      for (const channel of channels) {
        const file = await this.prepare(input, container, info, channel, dir, timeoutMs);
        const stdout = await run(
          command,
          ['-infile', file, '-time', 'yes', '-logfn', '/dev/null', ...(this.options.extraArgs ?? [])],
          timeoutMs,
        );
        const who = participantForChannel(channel, options);
        for (const u of parsePocketsphinxOutput(stdout)) {
          turns.push({
            ...who,
            text: u.text,
            offsetMs: u.startMs,
            durationMs: Math.max(0, u.endMs - u.startMs),
            confidence: Math.min(1, Math.max(0, u.confidence)),
          });
        }
      }
      return turns.sort((a, b) => a.offsetMs - b.offsetMs);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** A 16 kHz mono 16-bit file for one channel: the input itself when it already is one, else via sox. */
  private async prepare(
    input: string,
    container: AudioContainer,
    info: WavInfo | undefined,
    channel: number | undefined,
    dir: string,
    timeoutMs: number,
  ): Promise<string> {
    if (channel === undefined && info && isRecognisable(info)) return input;
    const sox = this.options.soxCommand ?? 'sox';
    const what = info ? `${info.channels}-channel ${info.sampleRate} Hz audio` : `${container.toUpperCase()} audio`;
    if (!(await installed(sox))) {
      throw new UnsupportedError(
        `Local speech-to-text needs sox to convert ${what} to 16 kHz mono: install it with \`apt-get install sox\`.`,
      );
    }
    const output = join(dir, `channel-${channel ?? 'mixed'}.wav`);
    const remix = channel === undefined ? ['remix', '-'] : ['remix', String(channel + 1)];
    try {
      await run(
        sox,
        [input, '-r', '16000', '-c', '1', '-b', '16', '-e', 'signed-integer', output, ...remix],
        timeoutMs,
      );
    } catch (error) {
      // sox reads MP3 and MP4 only with extra format packages; say which, without the file's content.
      if (container === 'mp3' || container === 'mp4') {
        throw new UnsupportedError(
          `Local speech-to-text cannot decode ${container.toUpperCase()} audio: install \`apt-get install libsox-fmt-mp3\` (MP3) or record WAV.`,
          { cause: error },
        );
      }
      throw error;
    }
    return output;
  }
}
