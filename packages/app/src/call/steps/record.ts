import type { RecordStep } from '../../flows/flowSchema';
import type { StartRecordingInput, StartRecordingOutput, StopRecordingInput } from '../activityTypes';
import type { StepContext, Flowing } from './stepContext';
import { ActivityNames } from '../names';
import { pause, runActivity } from '../waiting';

/** record: a voicemail (after an optional consent prompt) until the caller hangs up or time runs out. */
export function* record(run: StepContext, id: string, step: RecordStep): Flowing {
  const { consent } = step.record;
  const maxSeconds = step.record.maxSeconds ?? 120;
  if (consent) {
    const played = yield* run.play(id, consent);
    if (played.kind === 'disconnected') return { end: 'caller-hung-up' };
    if (played.kind === 'error') return { error: played.error };
  }
  const start: StartRecordingInput = {
    callConnectionId: run.input.callConnectionId,
    serverCallId: run.input.serverCallId,
    content: 'audio',
    channel: 'mixed',
    format: 'wav',
  };
  const started = yield* runActivity(run.df, ActivityNames.startRecording, start);
  if (started.kind === 'disconnected') return { end: 'caller-hung-up' };
  if (started.kind !== 'done') return { error: 'error' in started ? started.error : undefined };
  const recordingId = (started.result as StartRecordingOutput | null)?.recordingId;
  if (!recordingId) return { error: new Error('recording did not start') };
  run.variables.recordingId = recordingId;
  run.facts.voicemail = true;
  // Callers end a voicemail by hanging up (ACS then ends the recording) or run into the limit.
  if ((yield* pause(run.df, maxSeconds * 1000)) === 'disconnected') return { end: 'caller-hung-up' };
  const stop: StopRecordingInput = { recordingId };
  const stopped = yield* runActivity(run.df, ActivityNames.stopRecording, stop);
  if (stopped.kind === 'disconnected') return { end: 'caller-hung-up' };
  return { next: step.next };
}
