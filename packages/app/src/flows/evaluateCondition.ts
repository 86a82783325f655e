import { phoneNumberOf } from '../acs/identifiers';
import { isHoliday } from '../call/holidays';
import { isFlowOpen, scheduleIntervals } from '../call/isFlowOpen';
import { isWithinSchedule } from '../call/weeklySchedule';
import type { Condition, Hours, ValueTest } from './flowSchema';

export interface ConditionFacts {
  variables: Readonly<Record<string, string>>;
  /** The caller's id, or the outcome of each caller test when the orchestration holds it sealed. */
  caller: string | ((t: ValueTest) => boolean);
  dialled: string;
  now: Date;
  hours?: Hours;
}

/** Whether a value passes a flow's value test (`exists`, `equals`, `in`, `startsWith`, `matches`). */
export function testValue(t: ValueTest, value: string | undefined): boolean {
  if (t.exists !== undefined) return t.exists === (value !== undefined && value !== '');
  if (value === undefined) return false;
  if (t.equals !== undefined) return value === t.equals;
  if (t.in !== undefined) return t.in.includes(value);
  if (t.startsWith !== undefined) return value.startsWith(t.startsWith);
  if (t.matches !== undefined) return new RegExp(t.matches).test(value);
  return false;
}

/** Pure: the clock is a fact like the others (the orchestration passes its replay-safe time). */
export function evaluateCondition(c: Condition, facts: ConditionFacts): boolean {
  if ('variable' in c) return testValue(c, facts.variables[c.variable]);
  if ('caller' in c)
    return typeof facts.caller === 'function'
      ? facts.caller(c.caller)
      : testValue(c.caller, phoneNumberOf(facts.caller));
  if ('dialled' in c) return testValue(c.dialled, phoneNumberOf(facts.dialled));
  if ('time' in c) {
    const zone = c.time.timeZone ?? facts.hours?.timeZone ?? 'UTC';
    return isWithinSchedule(scheduleIntervals(c.time.open), facts.now, zone);
  }
  if ('open' in c) return isFlowOpen(facts.hours, facts.now) === c.open;
  if ('holiday' in c)
    return (facts.hours ? isHoliday(facts.hours.holidays, facts.now, facts.hours.timeZone) : false) === c.holiday;
  if ('all' in c) return c.all.every((x) => evaluateCondition(x, facts));
  if ('any' in c) return c.any.some((x) => evaluateCondition(x, facts));
  return !evaluateCondition(c.not, facts);
}
