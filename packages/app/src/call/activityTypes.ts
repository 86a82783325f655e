import type { ValueTest } from '../flows/flowSchema';

// Inputs and outputs of the call-flow activities. Small, JSON-serialisable objects: they are stored in
// the orchestration history. Identifiers are E.164 numbers or ACS raw ids ("8:acs:...", "4:+1..."); the caller's
// (targetParticipant, createCall's target, an SMS's to) arrives sealed (calls/sealedValues.ts) and the activity
// opens it.

/** Audio for the caller, mapped by the activity to ACS play sources (text / ssml / file). */
export type PlaySource =
  | { kind: 'text'; text: string; voiceName?: string; locale?: string }
  | { kind: 'ssml'; ssml: string }
  | { kind: 'file'; url: string };

/** DTMF tones as ACS names them. */
export type Tone =
  | 'zero'
  | 'one'
  | 'two'
  | 'three'
  | 'four'
  | 'five'
  | 'six'
  | 'seven'
  | 'eight'
  | 'nine'
  | 'a'
  | 'b'
  | 'c'
  | 'd'
  | 'pound'
  | 'asterisk';

interface CallOperation {
  callConnectionId: string;
  /** Echoed by ACS in the outcome event; the orchestration ignores events whose context differs. */
  operationContext: string;
}

/** ca.play -> void; then PlayCompleted | PlayFailed | PlayCanceled. Plays to everyone in the call. */
export interface PlayInput extends CallOperation {
  sources: PlaySource[];
}

/** ca.recognize -> void; then RecognizeCompleted | RecognizeFailed | RecognizeCanceled. */
export interface RecognizeInput extends CallOperation {
  inputType: 'dtmf' | 'speech' | 'choices' | 'speechOrDtmf';
  /** Whose input to recognise: the caller. */
  targetParticipant: string;
  prompts: PlaySource[];
  /** Barge-in: the caller may answer while the prompt plays. */
  interruptPrompt: boolean;
  initialSilenceTimeoutSeconds: number;
  dtmf?: { maxTones: number; stopTones: Tone[]; interToneTimeoutSeconds: number };
  choices?: { label: string; phrases: string[]; tone?: Tone }[];
  speechLanguage?: string;
}

/** ca.transfer -> void; then CallTransferAccepted | CallTransferFailed. */
export interface TransferInput extends CallOperation {
  target: string;
  /** Caller id shown to a PSTN target (the dialled ACS number). */
  sourceCallerId?: string;
}

/** ca.addParticipant -> void; then AddParticipantSucceeded | AddParticipantFailed. */
export interface AddParticipantInput extends CallOperation {
  target: string;
  sourceCallerId?: string;
  invitationTimeoutSeconds: number;
}

/** ca.startRecording -> StartRecordingOutput (no event awaited). */
export interface StartRecordingInput {
  callConnectionId: string;
  serverCallId: string;
  content: 'audio';
  channel: 'mixed';
  format: 'wav';
}
export interface StartRecordingOutput {
  recordingId: string;
}

/** ca.stopRecording -> void. */
export interface StopRecordingInput {
  recordingId: string;
}

/** ca.startMediaStreaming -> void; then MediaStreamingStarted | MediaStreamingFailed. */
export interface StartMediaStreamingInput extends CallOperation {
  /** What the media bridge needs to run the voice agent for this call. */
  agent: { flowName: string; step: string; instructions: string; greeting?: string; voice?: string };
}

/** ca.stopMediaStreaming -> void. */
export type StopMediaStreamingInput = CallOperation;

/** ca.hangUp -> void (no event awaited). */
export interface HangUpInput {
  callConnectionId: string;
  forEveryone: boolean;
}

/**
 * ca.getCallConnection -> CallConnectionCheck. An inbound call's connection id is the one :answer returned
 * (kept on the call's claim); a placed call's is createCall's.
 */
export interface GetCallConnectionInput {
  callId: string;
  callConnectionId?: string;
}

/**
 * Where ACS says the call stands: `connected` (CallConnected was lost or is late: carry on), `connecting`
 * (wait), `gone` (ended or unknown to ACS: 404), `unanswered` (no connection id known yet: the answer has not
 * returned).
 */
export interface CallConnectionCheck {
  state: 'connected' | 'connecting' | 'gone' | 'unanswered';
  callConnectionId?: string;
  serverCallId?: string;
}

/** sms.send -> SendSmsOutput. The activity honours the SMS opt-out list. */
export interface SendSmsInput {
  from: string;
  to: string;
  message: string;
  tag: string;
}
export interface SendSmsOutput {
  messageId?: string;
  /** false when the recipient opted out, or has no phone number. */
  sent: boolean;
}

/** ca.createCall: places an outbound call whose callbacks go to the orchestration `callId`. */
export interface CreateCallInput {
  callId: string;
  target: string;
  sourceCallerId: string;
}

export interface CreateCallOutput {
  /** Absent only if ACS answered without one; CallConnected names it then. */
  callConnectionId?: string;
}

/** calls.release: the call no longer counts towards its flow's overflow.maxActiveCalls. */
export interface ReleaseCallInput {
  flow: string;
  callId: string;
}

/**
 * caller.test -> boolean[]: the flow's caller tests of a branch step, run where the caller's sealed number may be
 * opened (the orchestration cannot read it).
 */
export interface TestCallerInput {
  caller: string;
  tests: ValueTest[];
}
