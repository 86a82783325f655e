import type { Step } from './flowSchema';

/** Every step a step can lead to, with the field that names it (for reference checks and reachability). */
export function stepTargets(s: Step): { field: string; target: string }[] {
  const out: { field: string; target: string | undefined }[] = [];
  const add = (field: string, target: string | undefined) => out.push({ field, target });
  if ('next' in s) add('next', s.next);
  if ('onError' in s) add('onError', s.onError);
  if ('onFail' in s) add('onFail', s.onFail);
  if ('fallback' in s) add('fallback', s.fallback);
  if ('ask' in s) s.choices.forEach((c, i) => add(`choices[${i}].next`, c.next));
  if ('branch' in s) {
    s.branch.forEach((b, i) => add(`branch[${i}].next`, b.next));
    add('otherwise', s.otherwise);
  }
  if ('voiceAgent' in s) {
    add('voiceAgent.handoff', s.voiceAgent.handoff);
    add('voiceAgent.fallback', s.voiceAgent.fallback);
  }
  return out.filter((t): t is { field: string; target: string } => t.target !== undefined);
}
