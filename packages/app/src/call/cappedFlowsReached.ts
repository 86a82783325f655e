import { phoneNumberOf } from '../acs/identifiers';
import type { FlowSet } from '../flows/flowSchema';

/**
 * For each dialled number, the flows that cap their calls in progress (overflow.maxActiveCalls) which a
 * call to that number can reach: its own flow and every flow it may overflow to, busy or closed. Worked
 * out once per flow set; only these flows' calls are counted when a call comes in.
 */
export function cappedFlowsReached(flows: FlowSet): (dialled: string) => string[] {
  const byNumber = new Map<string, string[]>();
  for (const [name, flow] of Object.entries(flows.flows)) {
    const capped = reachableFrom(flows, name).filter((f) => flows.flows[f]?.overflow?.maxActiveCalls !== undefined);
    if (capped.length === 0) continue;
    for (const number of flow.numbers ?? []) byNumber.set(number, capped);
  }
  return (dialled) => byNumber.get(phoneNumberOf(dialled)) ?? [];
}

function reachableFrom(flows: FlowSet, start: string): string[] {
  const reached: string[] = [];
  const queue = [start];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (reached.includes(name) || !flows.flows[name]) continue;
    reached.push(name);
    const overflow = flows.flows[name].overflow;
    for (const target of [overflow?.whenBusy, overflow?.whenClosed]) {
      if (target && 'flow' in target) queue.push(target.flow);
    }
  }
  return reached;
}
