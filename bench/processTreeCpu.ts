import { readdirSync, readFileSync } from 'node:fs';

// CPU time of this process and every process it started (Linux /proc), sampled on a timer, so a benchmark can
// say how much CPU a phase cost each part of the sandbox: the floor under any latency on a machine of N cores.

/** CPU milliseconds each process of the tree had used by `at` (epoch ms). */
export interface CpuSample {
  at: number;
  byPid: Map<number, number>;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** A process's parent and CPU ms so far, from /proc/<pid>/stat; undefined once it has ended. */
function readStat(pid: number): { parent: number; cpuMs: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state ppid ... utime(12th) stime(13th).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { parent: Number(fields[1]), cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
  } catch {
    return undefined;
  }
}

/** This process and its descendants, found by reading every process's parent. */
function findTree(): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) parents.set(Number(entry), stat.parent);
  }
  const mine = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, parent] of parents)
      if (!mine.has(pid) && mine.has(parent)) {
        mine.add(pid);
        grew = true;
      }
  }
  return [...mine];
}

/** What a process is, from its command line: its script's file name (`main.js`, `azurite.js`), or `node`. */
function processRole(pid: number): string {
  if (pid === process.pid) return 'this process';
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const script = args.slice(1).find((a) => a.endsWith('.js'));
    return script ? script.split('/').slice(-3).join('/') : (args[0] ?? String(pid));
  } catch {
    return String(pid);
  }
}

/**
 * Samples the tree every `everyMs` until stopped; `between` gives CPU by role over a window of wall time. Only
 * the known processes are read each time; the whole of /proc is searched for new ones once every `rescanMs`
 * (searching it costs more than a few per cent of a core at 20 samples a second, on the cores being measured).
 */
export function sampleProcessTreeCpu(everyMs = 50, rescanMs = 1_000) {
  const samples: CpuSample[] = [];
  const roles = new Map<number, string>();
  let tree: number[] = [];
  let scannedAt = -Infinity;
  const take = () => {
    if (Date.now() - scannedAt >= rescanMs) {
      tree = findTree();
      scannedAt = Date.now();
    }
    const byPid = new Map<number, number>();
    for (const pid of tree) {
      const stat = readStat(pid);
      if (stat) byPid.set(pid, stat.cpuMs);
    }
    for (const pid of byPid.keys()) if (!roles.has(pid)) roles.set(pid, processRole(pid));
    samples.push({ at: Date.now(), byPid });
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      take();
    },
    /** CPU ms by role between the samples nearest `from` and `to` (epoch ms); a process gone by `to` is not counted. */
    between(from: number, to: number): { wallMs: number; byRole: Map<string, number>; totalMs: number } {
      const nearest = (t: number) =>
        samples.reduce((best, s) => (Math.abs(s.at - t) < Math.abs(best.at - t) ? s : best));
      const a = nearest(from);
      const b = nearest(to);
      const byRole = new Map<string, number>();
      let totalMs = 0;
      for (const [pid, cpuMs] of b.byPid) {
        const used = cpuMs - (a.byPid.get(pid) ?? 0);
        const role = roles.get(pid) ?? String(pid);
        byRole.set(role, (byRole.get(role) ?? 0) + used);
        totalMs += used;
      }
      return { wallMs: b.at - a.at, byRole, totalMs };
    },
  };
}
