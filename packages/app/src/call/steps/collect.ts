import type { CollectStep, Prompt } from '../../flows/flowSchema';
import type { Tone } from '../activityTypes';
import type { StepContext, Flowing } from './stepContext';
import { CallEvents } from '../names';
import { classifyRecognizeFailure, keysOf, toneOf } from '../recognition';
import { promptAllowanceMs, recognize } from './recognize';

/** collect: digits on the keypad into a variable, validated, re-prompted when missing or invalid. */
export function* collect(run: StepContext, id: string, step: CollectStep): Flowing {
  const c = step.collect;
  const retries = c.retries ?? 2;
  const silence = c.timeoutSeconds ?? 5;
  const interDigit = c.interDigitTimeoutSeconds ?? 5;
  const stopTones: Tone[] = (c.stopTone ?? '#') === 'none' ? [] : [toneOf(c.stopTone ?? '#')];
  let reprompt: Prompt | undefined;
  for (let attempt = 0; ; attempt++) {
    const prompts = [...(reprompt ? run.sources(reprompt) : []), ...run.sources(c.prompt)];
    const outcome = yield* recognize(
      run,
      id,
      (operationContext) => ({
        callConnectionId: run.input.callConnectionId,
        operationContext,
        inputType: 'dtmf',
        targetParticipant: run.input.callerId,
        prompts,
        interruptPrompt: true,
        initialSilenceTimeoutSeconds: silence,
        dtmf: { maxTones: c.maxLength, stopTones, interToneTimeoutSeconds: interDigit },
      }),
      silence * 1000 + interDigit * 1000 * c.maxLength + promptAllowanceMs(prompts),
    );
    if (outcome.kind === 'disconnected') return { end: 'caller-hung-up' };
    if (outcome.kind === 'error') return { error: outcome.error };
    let miss: 'no-input' | 'invalid' = 'no-input';
    const digits = outcome.kind === 'event' ? keysOf(outcome.data.dtmfResult?.tones).replace(/[#*]+$/, '') : '';
    if (outcome.kind === 'event' && outcome.name === CallEvents.recognizeFailed && !digits) {
      const failure = classifyRecognizeFailure(outcome.data);
      if (failure === 'error') return { error: new Error('recognize failed') };
      miss = failure === 'no-input' ? 'no-input' : 'invalid';
    } else if (outcome.kind === 'event' && outcome.name !== CallEvents.recognizeCanceled) {
      const valid =
        digits.length >= (c.minLength ?? 1) &&
        digits.length <= c.maxLength &&
        (c.pattern === undefined || new RegExp(c.pattern).test(digits));
      if (valid) {
        run.variables[c.into] = digits;
        return { next: step.next };
      }
      miss = digits ? 'invalid' : 'no-input';
    }
    if (attempt >= retries) return step.onFail ? { next: step.onFail } : { end: 'completed' };
    reprompt = miss === 'no-input' ? c.noInput : c.invalid;
  }
}
