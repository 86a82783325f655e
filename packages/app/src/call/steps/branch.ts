import { evaluateCondition } from '../../flows/evaluateCondition';
import type { BranchStep, Condition, ValueTest } from '../../flows/flowSchema';
import { isSealed } from '../sealedValues';
import type { TestCallerInput } from '../activityTypes';
import type { Flowing, StepContext } from './stepContext';
import { ActivityNames } from '../names';
import { runActivity } from '../waiting';

/**
 * branch: the first case whose condition holds, else otherwise. The orchestration holds the caller's number
 * sealed, so caller tests run in one activity that may open it; the rest is evaluated here.
 */
export function* branch(run: StepContext, step: BranchStep): Flowing {
  const caller = run.input.callerId;
  const tests = isSealed(caller) ? step.branch.flatMap((b) => callerTestsOf(b.when)) : [];
  let outcomes: boolean[] = [];
  if (tests.length) {
    const input: TestCallerInput = { caller, tests };
    const tested = yield* runActivity(run.df, ActivityNames.testCaller, input);
    if (tested.kind === 'disconnected') return { end: 'caller-hung-up' };
    if (tested.kind !== 'done') return { error: tested.kind === 'error' ? tested.error : new Error('caller test') };
    outcomes = tested.result as boolean[];
  }
  const facts = {
    variables: run.variables,
    caller: tests.length ? (test: ValueTest) => outcomes[tests.indexOf(test)] ?? false : caller,
    dialled: run.input.dialled,
    now: run.df.currentUtcDateTime,
    hours: run.flow.hours,
  };
  const hit = step.branch.find((b) => evaluateCondition(b.when, facts));
  return { next: hit ? hit.next : step.otherwise };
}

function callerTestsOf(condition: Condition): ValueTest[] {
  if ('caller' in condition) return [condition.caller];
  if ('all' in condition) return condition.all.flatMap(callerTestsOf);
  if ('any' in condition) return condition.any.flatMap(callerTestsOf);
  if ('not' in condition) return callerTestsOf(condition.not);
  return [];
}
