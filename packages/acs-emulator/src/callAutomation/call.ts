// One call as ACS sees it: the server call (world side) and the app's call connection, with its
// participants, pending invitations, timers and media session. All per-call state lives here.
import { randomUUID } from 'node:crypto';
import type { IdentifierModel } from '../identifiers';
import type { Scheduler, TimerHandle } from '../scheduler';
import type { CallbackDispatcher } from './callbackDispatcher';
import { MediaSession, type MediaTiming } from './mediaSession';

export type CallState = 'ringing' | 'connecting' | 'connected' | 'transferring' | 'disconnecting' | 'disconnected';

export interface Participant {
  identifier: IdentifierModel;
  isMuted: boolean;
  isOnHold: boolean;
}

export interface Invite {
  invitationId: string;
  target: IdentifierModel;
  operationContext?: string;
  callbackUri?: string;
  timer: TimerHandle;
}

/** Something audible in the call, for the recording: when (real ms) and how long (simulated ms). */
export interface AudioEvent {
  kind: 'prompt' | 'dtmf' | 'speech';
  at: number;
  durationMs: number;
  tones?: string[];
  /** What the caller said (speech), for live transcription. */
  text?: string;
  /** Who made the sound (raw id); the app's own audio when absent. */
  participantRawId?: string;
  /** The sound itself at 16 kHz, when known (audio the app streamed in). */
  pcm?: Int16Array;
}

export interface StreamingState {
  options: Record<string, unknown>;
  active: boolean;
  /** The open WebSocket to the app, while streaming. */
  socket?: { stop(): void };
}

export class Call {
  readonly serverCallId: string;
  readonly correlationId = randomUUID();
  readonly createdAt = new Date();
  /** When the call ended for everyone (the console shows durations). */
  endedAt?: Date;
  callConnectionId?: string;
  state: CallState = 'ringing';
  callbackUri?: string;
  incomingCallContext?: string;
  appIdentity?: IdentifierModel;
  sourceCallerIdNumber?: IdentifierModel;
  sourceDisplayName?: string;
  /** The room this call is the call of (connected with a room call locator). */
  roomId?: string;
  /** Where the caller ended up after a transfer or redirect (world side). */
  connectedTo?: IdentifierModel;
  readonly participants = new Map<string, Participant>();
  readonly invites = new Map<string, Invite>();
  readonly media: MediaSession;
  readonly audioLog: AudioEvent[] = [];
  /** Told of each sound as it enters the call (the timeline's prompt entries, the console's listen socket). */
  readonly audioListeners = new Set<(event: AudioEvent) => void>();
  /** Run once when the call ends (recordings stop, media sockets close). */
  readonly onEnd: Array<() => void> = [];
  mediaStreaming?: StreamingState;
  transcription?: StreamingState;
  private readonly timers = new Set<TimerHandle>();
  private sequenceNumber = 0;

  constructor(
    readonly direction: 'inbound' | 'outbound',
    readonly caller: IdentifierModel,
    readonly callee: IdentifierModel,
    readonly callerDisplayName: string | undefined,
    private readonly scheduler: Scheduler,
    private readonly callbacks: CallbackDispatcher,
    timing: MediaTiming,
  ) {
    this.serverCallId = Buffer.from(
      `https://api.asm.skype.com/conv/emulator/${randomUUID()}?i=1&e=${Date.now()}`,
    ).toString('base64url');
    this.media = new MediaSession(this, scheduler, timing);
  }

  /** The person the PSTN world speaks for by default: the caller of an inbound call, the callee of an outbound one. */
  get remoteParty(): IdentifierModel {
    return this.direction === 'inbound' ? this.caller : this.callee;
  }

  get isConnected(): boolean {
    return this.state === 'connected' || this.state === 'transferring';
  }

  /** Runs `fn` after simulated `ms`, cancelled when the call ends. */
  after(ms: number, fn: () => void): TimerHandle {
    const handle = this.scheduler.after(ms, () => {
      this.timers.delete(handle);
      fn();
    });
    this.timers.add(handle);
    return {
      cancel: () => {
        handle.cancel();
        this.timers.delete(handle);
      },
    };
  }

  /** Something becomes audible in the call: logged for recordings and streams, and told to listeners. */
  addAudio(event: AudioEvent): void {
    this.audioLog.push(event);
    for (const listener of this.audioListeners) {
      try {
        listener(event);
      } catch {
        // a failing listener (a closed socket) must not stop the call's media
      }
    }
  }

  /** Sends a callback to the app (no-op before the app has a call connection or after it left). */
  emit(type: string, data: Record<string, unknown> = {}, operationCallbackUri?: string): void {
    if (!this.callConnectionId || !this.callbackUri) return;
    this.callbacks.send({
      type,
      callConnectionId: this.callConnectionId,
      serverCallId: this.serverCallId,
      correlationId: this.correlationId,
      callbackUri: operationCallbackUri || this.callbackUri,
      party: this.remoteParty.rawId,
      data: { operationContext: undefined, ...data },
    });
  }

  addParticipant(identifier: IdentifierModel): Participant {
    const participant = { identifier, isMuted: false, isOnHold: false };
    this.participants.set(identifier.rawId, participant);
    return participant;
  }

  participantsUpdated(): void {
    this.emit('ParticipantsUpdated', {
      sequenceNumber: ++this.sequenceNumber,
      participants: [...this.participants.values()].map(wireParticipant),
      resultInformation: { code: 200, subCode: 0, message: 'Participants updated.' },
    });
  }

  /** The world participants other than the app itself. */
  others(): Participant[] {
    return [...this.participants.values()].filter((p) => p.identifier.rawId !== this.appIdentity?.rawId);
  }

  /** Ends the call for the app: timers and media stop; CallDisconnected if the app was in it. */
  disconnect(message = 'The call was disconnected.'): void {
    if (this.state === 'disconnected') return;
    const wasConnected = this.isConnected || this.state === 'disconnecting';
    this.state = 'disconnected';
    this.endedAt = new Date();
    this.media.stop();
    for (const invite of this.invites.values()) invite.timer.cancel();
    this.invites.clear();
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
    for (const listener of this.onEnd.splice(0)) {
      try {
        listener();
      } catch {
        // one failing listener must not keep the others from running
      }
    }
    if (wasConnected) this.emit('CallDisconnected', { resultInformation: { code: 200, subCode: 0, message } });
  }

  properties(): Record<string, unknown> {
    return {
      callConnectionId: this.callConnectionId,
      serverCallId: this.serverCallId,
      targets: this.direction === 'inbound' ? [this.caller] : this.others().map((p) => p.identifier),
      callConnectionState: this.state === 'ringing' ? 'connecting' : this.state,
      callbackUri: this.callbackUri,
      source: this.direction === 'inbound' ? this.caller : this.appIdentity,
      sourceCallerIdNumber: this.sourceCallerIdNumber?.phoneNumber,
      sourceDisplayName: this.sourceDisplayName,
      correlationId: this.correlationId,
      answeredBy: this.direction === 'inbound' ? this.appIdentity?.communicationUser : undefined,
      answeredFor: this.direction === 'inbound' ? this.callee.phoneNumber : undefined,
      mediaStreamingSubscription: this.mediaStreaming
        ? {
            id: this.correlationId,
            state: this.mediaStreaming.active ? 'active' : 'inactive',
            subscribedContentTypes: ['audio'],
          }
        : undefined,
      transcriptionSubscription: this.transcription
        ? {
            id: this.correlationId,
            state: this.transcription.active ? 'active' : 'inactive',
            subscribedResultTypes: ['final'],
          }
        : undefined,
    };
  }
}

export function wireParticipant(p: Participant): Record<string, unknown> {
  return { identifier: p.identifier, isMuted: p.isMuted, isOnHold: p.isOnHold };
}
