import { agentToolProblems } from './agentToolProblems';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ValidationError } from '@switchboard/core/errors';
import { holidayDateError, isValidTimeZone } from '../call/holidays';
import { parseWeeklySchedule } from '../call/weeklySchedule';
import {
  type Condition,
  type Flow,
  type FlowSet,
  type Step,
  type StepKind,
  flowHeader,
  NAME,
  STEP_KINDS,
  stepKind,
  stepSchemas,
} from './flowSchema';
import { stepTargets } from './stepTargets';
import { describeProblem, validateMessagingSection } from '../messaging/validateMessagingSection';

// Validates a flow file and reports EVERY problem as `file: flow "f", step "s", field "a[1].b": why`,
// so an author fixes a file in one pass. Throws one ValidationError listing them all.

type Where = { flow?: string; step?: string };

function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

class Problems {
  readonly list: string[] = [];
  constructor(readonly file: string) {}

  add(where: Where, field: string | undefined, message: string): void {
    const parts = [
      where.flow !== undefined ? `flow "${where.flow}"` : undefined,
      where.step !== undefined ? `step "${where.step}"` : undefined,
      field ? `field "${field}"` : undefined,
    ].filter(Boolean);
    this.list.push(`${this.file}: ${parts.length ? `${parts.join(', ')}: ` : ''}${message}`);
  }

  addIssues(where: Where, issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): void {
    for (const issue of issues) {
      const path = [...prefix, ...issue.path];
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) this.add(where, fieldPath([...path, key]), 'is not a known field');
      } else {
        this.add(where, fieldPath(path) || undefined, issue.message);
      }
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkRegex(problems: Problems, where: Where, field: string, source: string | undefined): void {
  if (source === undefined) return;
  try {
    new RegExp(source);
  } catch {
    problems.add(where, field, 'is not a valid regular expression');
  }
}

function checkSchedule(problems: Problems, where: Where, field: string, spec: string | string[]): void {
  const parsed = parseWeeklySchedule(spec);
  if (!parsed.ok) problems.add(where, field, parsed.error);
}

function checkCondition(problems: Problems, where: Where, field: string, c: Condition, flow: Flow): void {
  const checkTest = (test: Record<string, unknown>, at: string) => {
    const ops = ['equals', 'in', 'startsWith', 'matches', 'exists'].filter((op) => test[op] !== undefined);
    if (ops.length !== 1) problems.add(where, at, 'needs exactly one of equals, in, startsWith, matches, exists');
    checkRegex(problems, where, `${at}.matches`, test.matches as string | undefined);
  };
  if ('variable' in c) checkTest(c, field);
  else if ('caller' in c) checkTest(c.caller, `${field}.caller`);
  else if ('dialled' in c) checkTest(c.dialled, `${field}.dialled`);
  else if ('time' in c) {
    checkSchedule(problems, where, `${field}.time.open`, c.time.open);
    const zone = c.time.timeZone ?? flow.hours?.timeZone;
    if (zone === undefined)
      problems.add(where, `${field}.time.timeZone`, 'is required when the flow has no hours.timeZone');
    else if (!isValidTimeZone(zone))
      problems.add(where, `${field}.time.timeZone`, `"${zone}" is not an IANA time zone`);
  } else if ('open' in c || 'holiday' in c) {
    if (!flow.hours) problems.add(where, field, 'needs the flow to declare hours');
  } else if ('all' in c) c.all.forEach((x, i) => checkCondition(problems, where, `${field}.all[${i}]`, x, flow));
  else if ('any' in c) c.any.forEach((x, i) => checkCondition(problems, where, `${field}.any[${i}]`, x, flow));
  else if ('not' in c) checkCondition(problems, where, `${field}.not`, c.not, flow);
}

/** Checks one step's own fields; returns the typed step or undefined. */
function validateStep(problems: Problems, where: Where, raw: unknown): Step | undefined {
  if (!isRecord(raw)) {
    problems.add(where, undefined, `must be an object with one of: ${STEP_KINDS.join(', ')}`);
    return undefined;
  }
  // say + hangup: true is a say that ends the call; every other step names exactly one action.
  let kinds = STEP_KINDS.filter((k) => k in raw);
  if (kinds.length === 2 && kinds.includes('say') && kinds.includes('hangup')) kinds = ['say'];
  if (kinds.length !== 1) {
    problems.add(
      where,
      undefined,
      kinds.length === 0
        ? `does nothing: give it one of ${STEP_KINDS.join(', ')}`
        : `does more than one thing (${kinds.join(', ')}): split it into steps`,
    );
    return undefined;
  }
  const kind: StepKind = kinds[0];
  const parsed = stepSchemas[kind].safeParse(raw);
  if (!parsed.success) {
    problems.addIssues(where, parsed.error.issues);
    return undefined;
  }
  const s = parsed.data;
  if ('ask' in s) {
    const seen = new Map<string, number>();
    s.choices.forEach((c, i) => {
      if (c.dtmf !== undefined) {
        if (seen.has(`dtmf:${c.dtmf}`))
          problems.add(
            where,
            `choices[${i}].dtmf`,
            `key ${c.dtmf} is already used by choices[${seen.get(`dtmf:${c.dtmf}`)}]`,
          );
        seen.set(`dtmf:${c.dtmf}`, i);
      }
      if (seen.has(`label:${c.label}`)) problems.add(where, `choices[${i}].label`, `"${c.label}" is already used`);
      seen.set(`label:${c.label}`, i);
      const input = s.input ?? 'choices';
      if (input === 'dtmf' && c.dtmf === undefined)
        problems.add(where, `choices[${i}].dtmf`, 'is required when input is dtmf');
      if (input === 'speech' && c.phrases === undefined)
        problems.add(where, `choices[${i}].phrases`, 'is required when input is speech');
      if (c.dtmf === undefined && c.phrases === undefined)
        problems.add(where, `choices[${i}]`, 'needs dtmf or phrases');
    });
  }
  if ('say' in s && s.hangup && s.next !== undefined) problems.add(where, 'next', 'cannot be used with hangup: true');
  if ('voiceAgent' in s) for (const p of agentToolProblems(s)) problems.add(where, p.field, p.message);
  if ('collect' in s) {
    const c = s.collect;
    if (c.minLength !== undefined && c.minLength > c.maxLength)
      problems.add(where, 'collect.minLength', 'is more than maxLength');
    checkRegex(problems, where, 'collect.pattern', c.pattern);
  }
  return s;
}

function checkReferences(problems: Problems, name: string, flow: Flow): void {
  const exists = (target: string | undefined) => target === undefined || target in flow.steps;
  const dangling = (where: Where, field: string, target: string | undefined) => {
    if (!exists(target)) problems.add(where, field, `refers to step "${target}", which does not exist`);
  };
  dangling({ flow: name }, 'start', flow.start);
  dangling({ flow: name }, 'onError', flow.onError);
  dangling({ flow: name }, 'hours.closed', flow.hours?.closed);
  for (const [id, s] of Object.entries(flow.steps)) {
    for (const { field, target } of stepTargets(s)) dangling({ flow: name, step: id }, field, target);
  }
  // Reachability: from start, the after-hours entry and the flow-wide error step.
  const roots = [flow.start, flow.hours?.closed, flow.onError].filter(
    (r): r is string => r !== undefined && r in flow.steps,
  );
  const seen = new Set<string>(roots);
  const queue = [...roots];
  while (queue.length) {
    const s = flow.steps[queue.shift() as string];
    for (const { target } of stepTargets(s)) {
      if (target in flow.steps && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  for (const id of Object.keys(flow.steps)) {
    if (!seen.has(id))
      problems.add({ flow: name, step: id }, undefined, `is unreachable: no step leads here from "${flow.start}"`);
  }
}

/** Validates an already-parsed document (the YAML/JSON tree). */
export function validateFlowDocument(doc: unknown, file: string): FlowSet {
  const problems = new Problems(file);
  const result: FlowSet = { flows: {}, sources: {} };
  if (!isRecord(doc) || !isRecord(doc.flows)) {
    problems.add({}, 'flows', 'is required: a map of flow name to flow');
  } else {
    for (const key of Object.keys(doc)) {
      if (key !== 'flows' && key !== '$schema' && key !== 'messaging') problems.add({}, key, 'is not a known field');
    }
    if (doc.messaging !== undefined) {
      const messaging = validateMessagingSection(doc.messaging);
      problems.list.push(...messaging.problems.map((p) => describeProblem(file, p)));
      result.messaging = messaging.agents;
      result.messagingSources = Object.fromEntries(Object.keys(messaging.agents).map((name) => [name, file]));
    }
    for (const [name, rawFlow] of Object.entries(doc.flows)) {
      const where = { flow: name };
      if (!NAME.test(name))
        problems.add(where, undefined, 'flow names are letters, digits, _ or -, starting with a letter');
      const header = flowHeader.safeParse(rawFlow);
      if (!header.success) {
        problems.addIssues(where, header.error.issues);
        // Still check the steps, so one pass reports everything.
        const rawSteps = isRecord(rawFlow) && isRecord(rawFlow.steps) ? rawFlow.steps : {};
        for (const [id, rawStep] of Object.entries(rawSteps)) validateStep(problems, { flow: name, step: id }, rawStep);
        continue;
      }
      const steps: Record<string, Step> = {};
      let stepsOk = true;
      for (const [id, rawStep] of Object.entries(header.data.steps)) {
        if (!NAME.test(id))
          problems.add(
            { flow: name, step: id },
            undefined,
            'step ids are letters, digits, _ or -, starting with a letter',
          );
        const s = validateStep(problems, { flow: name, step: id }, rawStep);
        if (s) steps[id] = s;
        else stepsOk = false;
      }
      const flow: Flow = { ...header.data, steps };
      if (flow.hours) {
        if (!isValidTimeZone(flow.hours.timeZone))
          problems.add(
            where,
            'hours.timeZone',
            `"${flow.hours.timeZone}" is not an IANA time zone (e.g. America/New_York)`,
          );
        checkSchedule(problems, where, 'hours.open', flow.hours.open);
        flow.hours.holidays?.forEach((h, i) => {
          const error = holidayDateError(typeof h === 'string' ? h : h.date);
          if (error) problems.add(where, `hours.holidays[${i}]`, error);
        });
      }
      for (const [id, s] of Object.entries(steps)) {
        if ('branch' in s)
          s.branch.forEach((b, i) =>
            checkCondition(problems, { flow: name, step: id }, `branch[${i}].when`, b.when, flow),
          );
      }
      // Reachability is only meaningful when every step parsed (a broken step's targets are unknown).
      if (stepsOk) checkReferences(problems, name, flow);
      result.flows[name] = flow;
      result.sources[name] = file;
    }
    for (const p of checkAcrossFlows(result)) problems.add({ flow: p.flow }, p.field, p.message);
  }
  if (problems.list.length) {
    throw new ValidationError(`Invalid flow file ${file}:\n  ${problems.list.join('\n  ')}`, {
      details: problems.list,
    });
  }
  return result;
}

/** Numbers answer one flow only; overflow to a flow needs that flow. */
export function checkAcrossFlows(set: FlowSet): { flow: string; field: string; message: string }[] {
  const out: { flow: string; field: string; message: string }[] = [];
  const owner = new Map<string, string>();
  for (const [name, flow] of Object.entries(set.flows)) {
    flow.numbers?.forEach((n, i) => {
      const other = owner.get(n);
      if (other !== undefined && other !== name)
        out.push({ flow: name, field: `numbers[${i}]`, message: `${n} is already answered by flow "${other}"` });
      owner.set(n, name);
    });
    for (const key of ['whenBusy', 'whenClosed'] as const) {
      const target = flow.overflow?.[key];
      if (target && 'flow' in target && !(target.flow in set.flows)) {
        out.push({
          flow: name,
          field: `overflow.${key}.flow`,
          message: `refers to flow "${target.flow}", which does not exist`,
        });
      }
    }
  }
  return out;
}

/** Parses YAML (or JSON, which is YAML) text and validates it; `file` is only for messages. */
export function parseFlowFile(text: string, file: string): FlowSet {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    const problems = doc.errors.map(
      (e) =>
        `${file}: line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
    );
    throw new ValidationError(`Invalid flow file ${file}:\n  ${problems.join('\n  ')}`, { details: problems });
  }
  return validateFlowDocument(doc.toJS(), file);
}

export { stepKind };
