// The flows as the console draws them: per flow its steps (kind and a short label) and the edges between
// them, each named by the field that leads there; or, when a flow file is invalid, every problem as
// file / flow / step / field so the console can show where to fix it.
import { relative } from 'node:path';
import { ValidationError } from '@switchboard/core/errors';
import { stepKind, type Step } from '@switchboard/app/flows/flowSchema';
import { loadFlows } from '@switchboard/app/flows/loadFlows';
import { stepTargets } from '@switchboard/app/flows/stepTargets';

export interface FlowNode {
  id: string;
  kind: string;
  label: string;
}

export interface FlowEdge {
  from: string;
  to: string;
  /** The field that names the target: `next`, `choices[0].next` (shown as the choice's label), `fallback`... */
  field: string;
  label: string;
}

export interface FlowGraph {
  name: string;
  file: string;
  numbers: string[];
  start: string;
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export interface FlowProblem {
  file?: string;
  flow?: string;
  step?: string;
  field?: string;
  message: string;
}

export type FlowsView = { ok: true; flows: FlowGraph[] } | { ok: false; problems: FlowProblem[] };

/** What a step does, in a few words: the text of a prompt, the number of a transfer. */
function describe(step: Step): string {
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const s = step as Record<string, unknown>;
  const kind = stepKind(step);
  const value = s[kind];
  if (kind === 'voiceAgent') return 'voice agent';
  if (kind === 'branch') return 'branch';
  if (kind === 'record') return 'record';
  if (kind === 'collect') return text((value as { prompt?: unknown }).prompt) || 'collect digits';
  return text(value) || kind;
}

function edgeLabel(step: Step, field: string): string {
  const choice = /^choices\[(\d+)\]\.next$/.exec(field);
  if (choice && 'ask' in step) {
    const c = step.choices[Number(choice[1])];
    return [c.dtmf, c.label].filter(Boolean).join(' ');
  }
  const branch = /^branch\[(\d+)\]\.next$/.exec(field);
  if (branch) return `when ${Number(branch[1]) + 1}`;
  return field.replace(/^voiceAgent\./, '');
}

/** Parses a problem line of loadFlows (`file: flow "f", step "s", field "x": why`) into its parts. */
export function parseProblem(line: string, root: string): FlowProblem {
  const m = /^(.*?): (?:flow "([^"]*)")?(?:, )?(?:step "([^"]*)")?(?:, )?(?:field "([^"]*)")?: (.*)$/s.exec(line);
  if (!m) return { message: line };
  const [, file, flow, step, field, message] = m;
  return { file: relative(root, file) || file, flow, step, field, message };
}

export function flowsView(flowsPath: string, root = process.cwd()): FlowsView {
  let set;
  try {
    set = loadFlows(flowsPath);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const lines = error.details.length ? error.details : [error.message];
    return { ok: false, problems: lines.map((line) => parseProblem(line, root)) };
  }
  const flows = Object.entries(set.flows).map(([name, flow]): FlowGraph => {
    const steps = Object.entries(flow.steps);
    return {
      name,
      file: relative(root, set.sources[name]) || set.sources[name],
      numbers: flow.numbers ?? [],
      start: flow.start,
      nodes: steps.map(([id, step]) => ({ id, kind: stepKind(step), label: describe(step) })),
      edges: steps.flatMap(([id, step]) =>
        stepTargets(step).map((t) => ({ from: id, to: t.target, field: t.field, label: edgeLabel(step, t.field) })),
      ),
    };
  });
  return { ok: true, flows };
}
