import type { Flow, FlowSet, OverflowTarget } from '../flows/flowSchema';
import { phoneNumberOf } from '../acs/identifiers';
import { isBlocked } from './blockList';
import { isFlowOpen } from './isFlowOpen';

export interface RouteRequest {
  /** Dialled number, E.164 or ACS raw id ("4:+1..."). */
  to: string;
  /** Caller, E.164 or ACS raw id. */
  from: string;
  now: Date;
  /** Calls in progress: one number for the dialled flow, or counts per flow name. */
  activeCalls?: number | Readonly<Record<string, number>>;
}

/** Why the decision was taken, for logs and metrics (never carries the caller's number). */
export type RouteReason = 'open' | 'closed' | 'holiday' | 'at-capacity' | 'blocked' | 'no-flow' | 'overflow-loop';

export type RouteDecision =
  | { action: 'answer'; flow: string; startStep: string; why: RouteReason }
  | { action: 'redirect'; target: string; why: RouteReason }
  | { action: 'reject'; reason: 'busy' | 'forbidden'; why: RouteReason };

/** Dialled number -> flow name, built once per flow set. */
export function numberIndex(flows: FlowSet): Map<string, string> {
  const index = new Map<string, string>();
  for (const [name, flow] of Object.entries(flows.flows)) for (const n of flow.numbers ?? []) index.set(n, name);
  return index;
}

const indexes = new WeakMap<FlowSet, Map<string, string>>();

/**
 * Decides what to do with an incoming call: answer it with a flow (at its start step, or its after-hours
 * step when closed), redirect it, or reject it. Pure: the clock and the load come in the request.
 * Order: unknown number -> reject; blocked caller -> reject forbidden; closed or holiday -> hours.closed
 * step, else overflow.whenClosed, else reject busy; at capacity -> overflow.whenBusy, else reject busy.
 */
export function routeCall(flows: FlowSet, request: RouteRequest): RouteDecision {
  let index = indexes.get(flows);
  if (!index) {
    index = numberIndex(flows);
    indexes.set(flows, index);
  }
  const name = index.get(phoneNumberOf(request.to));
  if (name === undefined) return { action: 'reject', reason: 'forbidden', why: 'no-flow' };
  return routeToFlow(flows, name, request, new Set());
}

function activeCallsFor(request: RouteRequest, flow: string, isDialledFlow: boolean): number {
  const active = request.activeCalls;
  if (active === undefined) return 0;
  if (typeof active === 'number') return isDialledFlow ? active : 0;
  return active[flow] ?? 0;
}

function routeToFlow(flows: FlowSet, name: string, request: RouteRequest, visited: Set<string>): RouteDecision {
  if (visited.has(name)) return { action: 'reject', reason: 'busy', why: 'overflow-loop' };
  visited.add(name);
  const flow: Flow = flows.flows[name];
  if (isBlocked(flow.blockList, request.from)) return { action: 'reject', reason: 'forbidden', why: 'blocked' };

  let startStep = flow.start;
  let why: RouteReason = 'open';
  if (!isFlowOpen(flow.hours, request.now)) {
    why = isFlowOpen(flow.hours && { ...flow.hours, holidays: [] }, request.now) ? 'holiday' : 'closed';
    if (flow.hours?.closed) startStep = flow.hours.closed;
    else return overflowTo(flows, flow.overflow?.whenClosed, request, visited, why);
  }
  const max = flow.overflow?.maxActiveCalls;
  if (max !== undefined && activeCallsFor(request, name, visited.size === 1) >= max) {
    return overflowTo(flows, flow.overflow?.whenBusy, request, visited, 'at-capacity');
  }
  return { action: 'answer', flow: name, startStep, why };
}

function overflowTo(
  flows: FlowSet,
  target: OverflowTarget | undefined,
  request: RouteRequest,
  visited: Set<string>,
  why: RouteReason,
): RouteDecision {
  if (!target) return { action: 'reject', reason: 'busy', why };
  if ('redirect' in target) return { action: 'redirect', target: target.redirect, why };
  if ('reject' in target) return { action: 'reject', reason: target.reject, why };
  const decision = routeToFlow(flows, target.flow, request, visited);
  return decision.action === 'answer' ? { ...decision, why } : decision;
}

/** routeCall bound to one flow set: `const route = createRouter(loadFlows(path)); route({ to, from, now, activeCalls })`. */
export function createRouter(flows: FlowSet): (request: RouteRequest) => RouteDecision {
  return (request) => routeCall(flows, request);
}
