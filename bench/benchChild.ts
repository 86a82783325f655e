import { fork, type ChildProcess } from 'node:child_process';

// A benchmark's helper process, asked questions over IPC: what runs in it (a relay under test, a fake
// model) gets its own CPU and event loop, so the driver's work is not counted against it.

type Handlers = Record<string, (arg: unknown) => unknown>;

export interface BenchChild {
  ready: unknown;
  ask<T>(command: string, arg?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/** Forks `modulePath` with `argument` (JSON in argv) and node's `nodeArgs`; resolves with what it sent when ready. */
export function startBenchChild(modulePath: string, argument: unknown, nodeArgs: string[] = []): Promise<BenchChild> {
  // BENCH_CHILD_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the children.
  const execArgv = [...nodeArgs, ...(process.env.BENCH_CHILD_NODE_ARGS?.split(' ').filter(Boolean) ?? [])];
  const child: ChildProcess = fork(modulePath, [JSON.stringify(argument)], { stdio: 'inherit', execArgv });
  let next = 0;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  child.on('message', (message: { id?: number; result?: unknown; error?: string }) => {
    const pending = message.id === undefined ? undefined : waiting.get(message.id);
    if (!pending) return;
    waiting.delete(message.id!);
    if (message.error) pending.reject(new Error(message.error));
    else pending.resolve(message.result);
  });
  child.on('exit', (code) => {
    for (const p of waiting.values()) p.reject(new Error(`${modulePath} exited (${code})`));
    waiting.clear();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (first: { ready?: unknown }) =>
      resolve({
        ready: first.ready,
        ask: <T>(command: string, arg?: unknown) =>
          new Promise<T>((res, rej) => {
            const id = ++next;
            waiting.set(id, { resolve: (v) => res(v as T), reject: rej });
            child.send({ id, command, arg });
          }),
        stop: () =>
          new Promise<void>((res) => {
            if (child.exitCode !== null) return res();
            child.once('exit', () => res());
            child.kill('SIGTERM');
          }),
      }),
    );
  });
}

/** In the child: answers the parent's questions with `handlers`, after telling it `ready`. */
export function serveBenchParent(ready: unknown, handlers: Handlers): void {
  process.on('message', (message: { id: number; command: string; arg: unknown }) => {
    Promise.resolve()
      .then(() => {
        const handler = handlers[message.command];
        if (!handler) throw new Error(`no command ${message.command}`);
        return handler(message.arg);
      })
      .then(
        (result) => process.send?.({ id: message.id, result }),
        (error: Error) => process.send?.({ id: message.id, error: error.message }),
      );
  });
  process.on('SIGTERM', () => process.exit(0));
  process.send?.({ ready });
}

/** The argument the parent passed. */
export function benchChildArgument<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}

/** Milliseconds on the system's monotonic clock: comparable between processes on one machine. */
export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;
