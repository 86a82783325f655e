import { evaluateCondition } from '../../flows/evaluateCondition';
import type { BranchStep } from '../../flows/flowSchema';
import type { StepContext, StepResult } from './stepContext';

/** branch: the first case whose condition holds, else otherwise. */
export function branch(run: StepContext, step: BranchStep): StepResult {
  const facts = {
    variables: run.variables,
    caller: run.input.callerId,
    dialled: run.input.dialled,
    now: run.df.currentUtcDateTime,
    hours: run.flow.hours,
  };
  const hit = step.branch.find((b) => evaluateCondition(b.when, facts));
  return { next: hit ? hit.next : step.otherwise };
}
