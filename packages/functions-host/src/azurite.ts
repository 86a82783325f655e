import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stopChild } from './readyChild';

// Azurite from npm, started as a child process on ports the OS picks, so any number of sandboxes and
// tests can run side by side. In memory by default; a `location` keeps data across restarts.

export interface AzuriteInstance {
  blobEndpoint: string;
  queueEndpoint: string;
  tableEndpoint: string;
  /** A full connection string for the well-known development account. */
  connectionString: string;
  stop(): Promise<void>;
  /** Freezes Azurite (fault injection: storage that stops answering) until resume(). */
  pause(): void;
  resume(): void;
}

export interface AzuriteOptions {
  /** Folder for persistent data; omit to keep everything in memory. */
  location?: string;
  /** Fixed ports (the sandbox's default 10000-10002 like `UseDevelopmentStorage=true`); 0 = any free port. */
  ports?: { blob: number; queue: number; table: number };
  /**
   * Serve HTTPS with this PEM certificate and key (issued by the sandbox CA), so clients reach storage the
   * way they reach Azure: over TLS, with no "allow insecure connection" switch in product code.
   */
  tls?: { certPath: string; keyPath: string };
}

const ACCOUNT = 'devstoreaccount1';
// The published development-storage key (not a secret: every Azurite and storage emulator uses it).
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export async function startAzurite(options: AzuriteOptions = {}): Promise<AzuriteInstance> {
  // The `azurite` command as its package.json declares it (the package has no programmatic entry for the CLI).
  const manifest = require.resolve('azurite/package.json');
  const entry = join(
    dirname(manifest),
    (JSON.parse(readFileSync(manifest, 'utf8')) as { bin: { azurite: string } }).bin.azurite,
  );
  const ports = options.ports ?? { blob: 0, queue: 0, table: 0 };
  const args = [
    entry,
    '--silent', // access logs cost Azurite most of its CPU under load
    '--skipApiVersionCheck',
    '--disableTelemetry',
    '--loose',
    '--blobPort',
    String(ports.blob),
    '--queuePort',
    String(ports.queue),
    '--tablePort',
    String(ports.table),
  ];
  if (options.tls) args.push('--cert', options.tls.certPath, '--key', options.tls.keyPath);
  if (options.location) {
    mkdirSync(options.location, { recursive: true });
    args.push('--location', options.location, '--debug', join(options.location, 'debug.log'));
  } else {
    args.push('--inMemoryPersistence');
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const listening = await waitForPorts(child);
  const scheme = options.tls ? 'https' : 'http';
  const blobEndpoint = `${scheme}://127.0.0.1:${listening.Blob}/${ACCOUNT}`;
  const queueEndpoint = `${scheme}://127.0.0.1:${listening.Queue}/${ACCOUNT}`;
  const tableEndpoint = `${scheme}://127.0.0.1:${listening.Table}/${ACCOUNT}`;
  return {
    blobEndpoint,
    queueEndpoint,
    tableEndpoint,
    connectionString:
      `DefaultEndpointsProtocol=${scheme};AccountName=${ACCOUNT};AccountKey=${DEV_KEY};` +
      `BlobEndpoint=${blobEndpoint};QueueEndpoint=${queueEndpoint};TableEndpoint=${tableEndpoint};`,
    stop: () => stopChild(child),
    // SIGSTOP freezes the process with its sockets open: storage that accepts connections and never answers.
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
  };
}

function waitForPorts(child: ChildProcess): Promise<Record<'Blob' | 'Queue' | 'Table', number>> {
  return new Promise((resolve, reject) => {
    const found: Partial<Record<'Blob' | 'Queue' | 'Table', number>> = {};
    let output = '';
    const timer = setTimeout(() => fail(new Error(`Azurite did not start within 120 s:\n${output}`)), 120_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const match of output.matchAll(
        /Azurite (Blob|Queue|Table) service is successfully listening at https?:\/\/[^:]+:(\d+)/g,
      )) {
        found[match[1] as 'Blob'] = Number(match[2]);
      }
      if (found.Blob && found.Queue && found.Table) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(found as Record<'Blob' | 'Queue' | 'Table', number>);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => fail(new Error(`Azurite exited (code ${code}) before listening:\n${output}`)));
    child.once('error', fail);
  });
}
