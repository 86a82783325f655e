import type { Flow } from '../flows/flowSchema';

/** What the interpreter runs with once the call is connected. */
export interface CallFlowInput {
  callConnectionId: string;
  serverCallId: string;
  /**
   * E.164 number or ACS raw id of the caller (outbound: the person called), sealed by the starter
   * (calls/sealedValues.ts): the orchestration passes it to activities, which open it, and never reads it.
   */
  callerId: string;
  /** The ACS number the caller dialled (outbound: the number calling out). */
  dialled: string;
  flowName: string;
  /** The validated flow, as loaded when the call started. */
  flow: Flow;
  /** Default: flow.start (routing may pick hours.closed). */
  startStep?: string;
  variables?: Record<string, string>;
  /** Where an earlier generation of this call's orchestration left off (continueAsNew). */
  progress?: CallFlowProgress;
}

/**
 * A long call's orchestration starts afresh (continueAsNew) every few steps so its history, and so each
 * turn's replay, stays small however long the call; this is what carries over.
 */
export interface CallFlowProgress {
  step: string;
  variables: Record<string, string>;
  stepsTaken: number;
  /** The operationContext counter: contexts stay unique across generations. */
  operations: number;
  path: string[];
  failingStep?: string;
  facts?: CallFacts;
}

/** What the run notes for conversation analytics (analytics/callAnnotation.ts): who was asked for, when. */
export interface CallFacts {
  /** The transfer or addParticipant step that last asked for a person, and when (orchestration time). */
  personStep?: string;
  personRequestedAt?: string;
  /** When a person accepted (the transfer or the invitation). */
  personReachedAt?: string;
  /** A record step started recording (a voicemail). */
  voicemail?: boolean;
}

export type CallOutcome = 'completed' | 'transferred' | 'caller-hung-up' | 'failed' | 'step-limit';

export interface CallFlowOutput {
  outcome: CallOutcome;
  lastStep: string;
  stepsTaken: number;
  /** Masked: digits replaced by "*". */
  variables: Record<string, string>;
}

/**
 * How long a call may take to connect (after a placed call's ring time): when CallConnected has not come after
 * checkSeconds the orchestration asks ACS where the call stands, again every checkSeconds, and gives the call up
 * (hanging it up) at timeoutSeconds.
 */
export interface ConnectTimings {
  checkSeconds: number;
  timeoutSeconds: number;
}

/** `ended`: ACS no longer knows the call (it ended before it connected, and its events were lost). */
export type NotConnectedReason = 'no-answer' | 'failed' | 'caller-hung-up' | 'timeout' | 'ended';

/** What a call's orchestration returns: the flow's output, or why the call never connected. */
export type CallFlowResult =
  | CallFlowOutput
  | {
      outcome: 'not-connected';
      reason: NotConnectedReason;
      lastStep: string;
      stepsTaken: 0;
      variables: Record<string, string>;
    };

/** What context.df.setCustomStatus receives before each step (read by GET /api/calls/{id}). */
export interface CallFlowStatus {
  step: string;
  stepsTaken: number;
  variables: Record<string, string>;
  /** The most recent steps, oldest first. */
  path: string[];
}
