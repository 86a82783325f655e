// Names under which events are raised to a call's orchestration. ACS callback events keep their ACS
// type name without "Microsoft.Communication."; the data is the event's data ({...eventData}).
export const CallEvents = {
  playCompleted: 'PlayCompleted',
  playFailed: 'PlayFailed',
  playCanceled: 'PlayCanceled',
  recognizeCompleted: 'RecognizeCompleted',
  recognizeFailed: 'RecognizeFailed',
  recognizeCanceled: 'RecognizeCanceled',
  callTransferAccepted: 'CallTransferAccepted',
  callTransferFailed: 'CallTransferFailed',
  addParticipantSucceeded: 'AddParticipantSucceeded',
  addParticipantFailed: 'AddParticipantFailed',
  mediaStreamingStarted: 'MediaStreamingStarted',
  mediaStreamingStopped: 'MediaStreamingStopped',
  mediaStreamingFailed: 'MediaStreamingFailed',
  callDisconnected: 'CallDisconnected',
  // Raised by the app on behalf of the media bridge (not ACS events): data VoiceAgentEventData.
  voiceAgentHandoff: 'VoiceAgentHandoff',
  voiceAgentEnded: 'VoiceAgentEnded',
  voiceAgentFailed: 'VoiceAgentFailed',
} as const;

export type CallEventName = (typeof CallEvents)[keyof typeof CallEvents];

/** The part of an ACS callback's data the interpreter reads. */
export interface CallEventData {
  callConnectionId?: string;
  operationContext?: string;
  resultInformation?: { code?: number; subCode?: number; message?: string };
  recognitionType?: 'dtmf' | 'speech' | 'choices';
  dtmfResult?: { tones?: string[] };
  speechResult?: { speech?: string; confidence?: number };
  choiceResult?: { label?: string; recognizedPhrase?: string; confidence?: number };
  [key: string]: unknown;
}

export interface VoiceAgentEventData {
  /** The operationContext of the ca.startMediaStreaming request, when the bridge knows it. */
  operationContext?: string;
  /** Why the agent handed over or ended, e.g. "caller-asked-for-person" (no transcript text). */
  reason?: string;
}
