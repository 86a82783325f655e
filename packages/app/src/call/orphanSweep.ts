import type { LiveCall } from './liveCalls';

// No call may outlive its orchestration: an orchestration can end without hanging up (terminated, purged,
// failed, or ended by an event that was not ACS's), and ACS keeps such a call, and a voice agent talking on it,
// for as long as nobody hangs up. A timer (functions/callOrphanSweep.ts, every 5 s) hangs up every live call
// whose orchestration is over, except a call handed to a person.

/** Where a call's orchestration stands, as the sweep and the callback route read it. */
export type CallDriver = 'running' | 'handed-over' | 'over';

/** From the Durable status of a call's orchestration (undefined: no such instance, e.g. purged). */
export function callDriverOf(status: { runtimeStatus: string; output?: unknown } | undefined): CallDriver {
  if (!status) return 'over';
  if (status.runtimeStatus === 'Running' || status.runtimeStatus === 'Pending') return 'running';
  const outcome = (status.output as { outcome?: string } | null | undefined)?.outcome;
  return status.runtimeStatus === 'Completed' && outcome === 'transferred' ? 'handed-over' : 'over';
}

export interface OrphanSweepDeps {
  live: { list(): AsyncIterable<LiveCall>; remove(callId: string): Promise<void> };
  /** Throws when it cannot tell (storage down): the call is then left for the next sweep. */
  driverOf(callId: string): Promise<CallDriver>;
  /** Hangs the call up for everyone; a call ACS no longer knows counts as hung up. */
  hangUp(callConnectionId: string): Promise<void>;
}

const CONCURRENCY = 8;

/** One sweep: hangs up the live calls whose orchestration is over and forgets them; returns the counts. */
export async function sweepOrphanedCalls(deps: OrphanSweepDeps): Promise<{ hungUp: number; handedOver: number }> {
  const calls: LiveCall[] = [];
  for await (const call of deps.live.list()) calls.push(call);
  let hungUp = 0;
  let handedOver = 0;
  const sweepOne = async (call: LiveCall) => {
    const driver = await deps.driverOf(call.callId).catch(() => 'running' as const); // unsure: never hang up
    if (driver === 'running') return;
    if (driver === 'over') {
      await deps.hangUp(call.callConnectionId);
      hungUp += 1;
    } else handedOver += 1;
    await deps.live.remove(call.callId);
  };
  const queue = [...calls];
  const workers = Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
    // A failed hang-up leaves the call listed, for the next sweep to try again.
    for (let call = queue.shift(); call; call = queue.shift()) await sweepOne(call).catch(() => undefined);
  });
  await Promise.all(workers);
  return { hungUp, handedOver };
}
