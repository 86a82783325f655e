import { phoneNumberOf } from '../../acs/identifiers';
import { isSealed } from '../sealedValues';
import { E164 } from '../../flows/patterns';
import type { SmsStep } from '../../flows/flowSchema';
import type { SendSmsInput } from '../activityTypes';
import type { StepContext, Flowing } from './stepContext';
import { ActivityNames } from '../names';
import { interpolate } from '../prompts';
import { runActivity } from '../waiting';

/** sms: texts the caller (when they have a phone number) and goes on. */
export function* sms(run: StepContext, id: string, step: SmsStep): Flowing {
  const { next } = step;
  // A sealed number is opened, and texted only if it is a phone number, by the activity.
  const caller = run.input.callerId;
  const to = isSealed(caller) ? caller : phoneNumberOf(caller);
  const text = typeof step.sms === 'string' ? step.sms : step.sms.text;
  const from =
    (typeof step.sms === 'string' ? undefined : step.sms.from) ??
    run.flow.sms?.from ??
    phoneNumberOf(run.input.dialled);
  // A caller without a phone number (an ACS user, a withheld number) cannot get a text.
  if ((!isSealed(to) && !E164.test(to)) || !E164.test(from)) return { next };
  const input: SendSmsInput = {
    from,
    to,
    message: interpolate(text, run.variables),
    tag: `${run.input.flowName}/${id}`,
  };
  const sent = yield* runActivity(run.df, ActivityNames.sendSms, input);
  if (sent.kind === 'disconnected') return { end: 'caller-hung-up' };
  if (sent.kind === 'error') return { error: sent.error };
  return { next };
}
