import type { VoiceAgentStep } from '../../flows/flowSchema';
import type { StartMediaStreamingInput, StopMediaStreamingInput } from '../activityTypes';
import type { StepContext, Flowing, StepResult } from './stepContext';
import { ActivityNames, CallEvents } from '../names';
import { awaitOutcome, runActivity } from '../waiting';

const MEDIA_START_TIMEOUT_MS = 30_000;

/** voiceAgent: streams the call to the media bridge's agent until it hands over, ends or time runs out. */
export function* voiceAgent(run: StepContext, id: string, step: VoiceAgentStep): Flowing {
  const v = step.voiceAgent;
  const operationContext = run.operationContext(id);
  const input: StartMediaStreamingInput = {
    callConnectionId: run.input.callConnectionId,
    operationContext,
    agent: {
      flowName: run.input.flowName,
      step: id,
      instructions: v.instructions,
      greeting: v.greeting,
      voice: v.voice,
    },
  };
  const failed: StepResult = { next: v.fallback ?? v.handoff ?? step.next };
  const started = yield* awaitOutcome(run.df, {
    activity: { name: ActivityNames.startMediaStreaming, input },
    operationContext,
    expect: [CallEvents.mediaStreamingStarted, CallEvents.mediaStreamingFailed],
    timeoutMs: MEDIA_START_TIMEOUT_MS,
  });
  if (started.kind === 'disconnected') return { end: 'caller-hung-up' };
  if (started.kind !== 'event' || started.name !== CallEvents.mediaStreamingStarted) return failed;

  // The agent talks with the caller until the bridge reports a handoff or the end, or time runs out.
  const done = yield* awaitOutcome(run.df, {
    operationContext,
    expect: [
      CallEvents.voiceAgentHandoff,
      CallEvents.voiceAgentEnded,
      CallEvents.voiceAgentFailed,
      CallEvents.mediaStreamingStopped,
      CallEvents.mediaStreamingFailed,
    ],
    timeoutMs: (v.maxMinutes ?? 30) * 60_000,
    // The bridge cannot know the operationContext of the start request: its reports come without one.
    lenient: [
      CallEvents.voiceAgentHandoff,
      CallEvents.voiceAgentEnded,
      CallEvents.voiceAgentFailed,
      CallEvents.mediaStreamingStopped,
    ],
  });
  if (done.kind === 'disconnected') return { end: 'caller-hung-up' };
  const stop: StopMediaStreamingInput = {
    callConnectionId: run.input.callConnectionId,
    operationContext: run.operationContext(id),
  };
  const streamEnded =
    done.kind === 'event' &&
    (done.name === CallEvents.mediaStreamingStopped || done.name === CallEvents.mediaStreamingFailed);
  if (!streamEnded) {
    const stopped = yield* runActivity(run.df, ActivityNames.stopMediaStreaming, stop);
    if (stopped.kind === 'disconnected') return { end: 'caller-hung-up' };
  }
  if (done.kind === 'event' && done.name === CallEvents.voiceAgentEnded) return { next: step.next };
  if (done.kind === 'event' && done.name === CallEvents.voiceAgentHandoff) return { next: v.handoff ?? step.next };
  if (done.kind === 'timeout') return { next: v.handoff ?? step.next };
  return failed;
}
