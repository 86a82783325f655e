// Every name the call workflow is known by: its orchestrations, the activities they schedule (inputs and
// outputs in activityTypes.ts) and the events raised to a call's orchestration. functions/ registers
// under these names; nothing else spells them.

/** Orchestrations of the call workflow. */
export const OrchestrationNames = {
  /** One per call (instance id = callId): connects, then interprets the flow. */
  callFlow: 'callFlow',
  /** One per reminder campaign. */
  reminderCampaign: 'reminderCampaign',
  /** One per contact of a campaign: places the call, retries the unanswered. */
  campaignContact: 'campaignContact',
} as const;

/** Activities of the call workflow: one Call Automation (or SMS) request each, plus bookkeeping. */
export const ActivityNames = {
  createCall: 'ca.createCall',
  play: 'ca.play',
  recognize: 'ca.recognize',
  transfer: 'ca.transfer',
  addParticipant: 'ca.addParticipant',
  startRecording: 'ca.startRecording',
  stopRecording: 'ca.stopRecording',
  startMediaStreaming: 'ca.startMediaStreaming',
  stopMediaStreaming: 'ca.stopMediaStreaming',
  hangUp: 'ca.hangUp',
  /** Asks ACS where a call stands (GET call connection) when CallConnected is late or lost. */
  getCallConnection: 'ca.getCallConnection',
  sendSms: 'sms.send',
  /** Removes the call from its flow's calls in progress (overflow.maxActiveCalls) when it ends. */
  releaseCall: 'calls.release',
  /** Runs a branch step's caller tests on the caller's sealed number. */
  testCaller: 'caller.test',
} as const;

export type ActivityName = (typeof ActivityNames)[keyof typeof ActivityNames];

/** Activities of a reminder campaign: its callees are kept outside its orchestration (campaign/campaignContacts.ts). */
export const CampaignActivityNames = {
  /** One callee's kept row: the number sealed, its masked form, its variables. */
  contact: 'campaign.contact',
  /** Deletes a finished campaign's callees. */
  forgetContacts: 'campaign.forgetContacts',
} as const;

// Names under which events are raised to a call's orchestration. ACS callback events keep their ACS
// type name without "Microsoft.Communication."; the data is the event's data ({...eventData}).
export const CallEvents = {
  callConnected: 'CallConnected',
  answerFailed: 'AnswerFailed',
  createCallFailed: 'CreateCallFailed',
  callDisconnected: 'CallDisconnected',
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
  // Raised by the app on behalf of the media bridge (not ACS events): data VoiceAgentEventData.
  voiceAgentHandoff: 'VoiceAgentHandoff',
  voiceAgentEnded: 'VoiceAgentEnded',
  voiceAgentFailed: 'VoiceAgentFailed',
} as const;

export type CallEventName = (typeof CallEvents)[keyof typeof CallEvents];

const callEventNames = new Set<string>(Object.values(CallEvents));

/** Whether a call's orchestration waits for events of this name (others are acknowledged and dropped). */
export function isCallEventName(name: string): name is CallEventName {
  return callEventNames.has(name);
}

/** The part of an ACS callback's data the interpreter reads. */
export interface CallEventData {
  callConnectionId?: string;
  serverCallId?: string;
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
