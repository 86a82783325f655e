// Builds what a Dockerfile builds, without Docker: each stage is an empty folder standing for the image's file
// system, COPY takes files from the build context (less .dockerignore) or an earlier stage, and RUN runs the
// same command with `sh` in the stage's WORKDIR. The base image is this machine (Node on PATH). It supports the
// instructions Switchboard's Dockerfiles use and refuses any other by name.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix, relative } from 'node:path';
import { ValidationError } from '@switchboard/core/errors';
import { machineEnv, runStep } from './commands';

export interface BuiltImage {
  /** The final stage's file system root. */
  root: string;
  /** Its WORKDIR, inside root. */
  workdir: string;
  env: Record<string, string>;
  cmd: string[];
  exposed: number[];
  /** Every stage's folder (for clean-up). */
  stages: string[];
}

interface Stage {
  name?: string;
  root: string;
  workdir: string;
  env: Record<string, string>;
  cmd: string[];
  exposed: number[];
}

/** The instructions of a Dockerfile, continuation lines joined and comments dropped. */
export function instructions(text: string): Array<{ op: string; args: string }> {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: line.slice(op.length).trim() || rest.join(' ') };
    });
}

/** .dockerignore patterns as tests on a context-relative path (or any folder above it). */
function dockerignore(context: string): (rel: string) => boolean {
  const file = join(context, '.dockerignore');
  if (!existsSync(file)) return () => false;
  const patterns = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((glob) => {
      // `**/` is any folders (or none), `*` and `?` stay within one path segment.
      const segment = (part: string) =>
        part
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]');
      const source = glob
        .replace(/^\/+|\/+$/g, '')
        .split('**/')
        .map(segment)
        .join('(?:.*/)?');
      return new RegExp(`^${source}$`);
    });
  return (rel) => {
    const parts = rel.split('/');
    return parts.some((_, i) => patterns.some((p) => p.test(parts.slice(0, i + 1).join('/'))));
  };
}

/**
 * Runs the Dockerfile's stages in fresh temporary folders and returns the final stage. As BuildKit does, stages
 * run at the same time, and a `COPY --from` waits for the stage it copies from.
 */
export async function buildDockerfile(
  dockerfile: string,
  context: string,
  log: (line: string) => void,
): Promise<BuiltImage> {
  const ignored = dockerignore(context);
  const stages: Array<Stage & { steps: Array<{ op: string; args: string }>; done?: Promise<void> }> = [];
  for (const { op, args } of instructions(readFileSync(dockerfile, 'utf8'))) {
    if (op === 'FROM') {
      const [, , name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      const root = mkdtempSync(join(tmpdir(), 'rehearsal-image-'));
      stages.push({ name, root, workdir: '/', env: {}, cmd: [], exposed: [], steps: [] });
    } else if (!stages.length) throw new ValidationError(`${dockerfile}: ${op} before FROM`);
    else stages.at(-1)!.steps.push({ op, args });
  }
  if (!stages.length) throw new ValidationError(`${dockerfile}: no FROM`);
  const stageNamed = (from: string) => stages.find((s) => s.name === from || String(stages.indexOf(s)) === from);

  const run = async (stage: (typeof stages)[number], number: number) => {
    const label = `image stage ${number}${stage.name ? ` (${stage.name})` : ''}`;
    const inStage = (path: string) => join(stage.root, posix.isAbsolute(path) ? path : posix.join(stage.workdir, path));
    for (const { op, args } of stage.steps) {
      if (op === 'WORKDIR') {
        stage.workdir = posix.resolve(stage.workdir, args);
        mkdirSync(inStage('.'), { recursive: true });
      } else if (op === 'ENV') {
        const pairs = args.includes('=')
          ? [...args.matchAll(/(\S+?)=("[^"]*"|\S*)/g)].map((m) => [m[1], m[2]])
          : [args.split(/\s+/, 2)];
        for (const [key, value] of pairs) stage.env[key] = value.replace(/^"|"$/g, '');
      } else if (op === 'COPY') {
        const parts = args.split(/\s+/);
        const from = parts[0].startsWith('--from=') ? parts.shift()!.slice('--from='.length) : undefined;
        if (parts.some((p) => p.startsWith('--')))
          throw new ValidationError(`${dockerfile}: COPY ${args}: unsupported flag`);
        const dest = parts.pop()!;
        const source = from ? stageNamed(from) : undefined;
        if (from && !source) throw new ValidationError(`${dockerfile}: COPY --from=${from}: no such stage`);
        if (source) await source.done;
        const toDir = dest.endsWith('/') || parts.length > 1;
        for (const src of parts) {
          const origin = source
            ? join(source.root, posix.isAbsolute(src) ? src : posix.join(source.workdir, src))
            : join(context, src);
          if (!existsSync(origin))
            throw new ValidationError(
              `${dockerfile}: COPY ${src}: not found${from ? ` in stage ${from}` : ' in the build context'}`,
            );
          const target = toDir
            ? join(inStage(dest), statSync(origin).isDirectory() ? '' : basename(origin))
            : inStage(dest);
          mkdirSync(dirname(target), { recursive: true });
          cpSync(origin, target, {
            recursive: true,
            dereference: true,
            filter: (path) => !!source || !ignored(relative(context, path).split('\\').join('/')),
          });
        }
      } else if (op === 'RUN') {
        await runStep(`${label} RUN`, args, inStage('.'), machineEnv(stage.env), log);
      } else if (op === 'CMD') {
        stage.cmd = JSON.parse(args) as string[];
      } else if (op === 'EXPOSE') {
        stage.exposed = args.split(/\s+/).map((p) => parseInt(p, 10));
      } else if (op !== 'USER') {
        throw new ValidationError(`${dockerfile}: ${op} is not an instruction the rehearsal runs`);
      }
    }
  };
  const running = stages.map((stage, i) => (stage.done = run(stage, i + 1)));
  // Every stage settles before the result (or the first failure) is reported: none is left running.
  const outcomes = await Promise.allSettled(running);
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) {
    for (const stage of stages) rmSync(stage.root, { recursive: true, force: true });
    throw failure.reason;
  }
  const last = stages.at(-1)!;
  return {
    root: last.root,
    workdir: join(last.root, last.workdir),
    env: last.env,
    cmd: last.cmd,
    exposed: last.exposed,
    stages: stages.map((s) => s.root),
  };
}
