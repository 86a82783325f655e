import type { AskStep, Prompt } from '../../flows/flowSchema';
import type { RecognizeInput } from '../activityTypes';
import type { StepContext, Flowing } from './stepContext';
import { CallEvents } from '../names';
import { classifyRecognizeFailure, matchChoice, toneOf } from '../recognition';
import { promptAllowanceMs, recognize } from './recognize';

/** ask: a menu answered by voice or keys, re-prompted on silence or no match. */
export function* ask(run: StepContext, id: string, step: AskStep): Flowing {
  const retries = step.retries ?? 2;
  const silence = step.timeoutSeconds ?? 5;
  let reprompt: Prompt | undefined;
  for (let attempt = 0; ; attempt++) {
    const prompts = [...(reprompt ? run.sources(reprompt) : []), ...run.sources(step.ask)];
    const outcome = yield* recognize(
      run,
      id,
      (operationContext) => recognizeInput(run, step, operationContext, prompts),
      silence * 1000 + promptAllowanceMs(prompts),
    );
    if (outcome.kind === 'disconnected') return { end: 'caller-hung-up' };
    if (outcome.kind === 'error') return { error: outcome.error };
    let miss: 'no-input' | 'no-match' = 'no-input';
    if (outcome.kind === 'event' && outcome.name === CallEvents.recognizeCompleted) {
      const choice = matchChoice(step, outcome.data);
      if (choice) {
        if (step.saveAs) run.variables[step.saveAs] = choice.label;
        return { next: choice.next };
      }
      miss = 'no-match';
    } else if (outcome.kind === 'event' && outcome.name === CallEvents.recognizeFailed) {
      const failure = classifyRecognizeFailure(outcome.data);
      if (failure === 'error') return { error: new Error('recognize failed') };
      miss = failure;
    }
    if (attempt >= retries) return step.onFail ? { next: step.onFail } : { end: 'completed' };
    reprompt = miss === 'no-input' ? step.noInput : step.noMatch;
  }
}

function recognizeInput(
  run: StepContext,
  step: AskStep,
  operationContext: string,
  prompts: RecognizeInput['prompts'],
): RecognizeInput {
  const inputType = step.input ?? 'choices';
  const language = step.language ?? run.flow.voice?.locale;
  return {
    callConnectionId: run.input.callConnectionId,
    operationContext,
    inputType,
    targetParticipant: run.input.callerId,
    prompts,
    interruptPrompt: step.bargeIn ?? true,
    initialSilenceTimeoutSeconds: step.timeoutSeconds ?? 5,
    ...(inputType === 'dtmf' || inputType === 'speechOrDtmf'
      ? {
          dtmf: {
            maxTones: Math.max(1, ...step.choices.map((c) => c.dtmf?.length ?? 1)),
            stopTones: [],
            interToneTimeoutSeconds: 2,
          },
        }
      : {}),
    ...(inputType === 'choices'
      ? {
          choices: step.choices.map((c) => ({
            label: c.label,
            phrases: c.phrases ?? [c.label],
            tone: c.dtmf ? toneOf(c.dtmf) : undefined,
          })),
        }
      : {}),
    ...(language ? { speechLanguage: language } : {}),
  };
}
