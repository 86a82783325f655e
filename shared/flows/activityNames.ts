// Activity names the call-flow orchestration schedules; functions/callFlow registers an activity under
// each name (input and output types in activityTypes.ts).
export const ActivityNames = {
  play: 'ca.play',
  recognize: 'ca.recognize',
  transfer: 'ca.transfer',
  addParticipant: 'ca.addParticipant',
  startRecording: 'ca.startRecording',
  stopRecording: 'ca.stopRecording',
  startMediaStreaming: 'ca.startMediaStreaming',
  stopMediaStreaming: 'ca.stopMediaStreaming',
  hangUp: 'ca.hangUp',
  sendSms: 'sms.send',
} as const;

export type ActivityName = (typeof ActivityNames)[keyof typeof ActivityNames];
