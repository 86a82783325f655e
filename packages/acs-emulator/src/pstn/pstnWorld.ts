// The PSTN world around the resource: callers who dial in, press keys, speak, stay silent and hang up;
// agents and numbers who answer, reject or ignore transfers, invitations and outbound calls.
import { Call } from '../callAutomation/call';
import type { AcsContext } from '../context';
import { acsErrors } from '../errors';
import { identifierFromString, lookupKey, type IdentifierModel } from '../identifiers';
import type { AgentBehaviour } from '../options';
import type { TimerHandle } from '../scheduler';
import { digitsToTones } from '../media/dtmf';
import { newIncomingCallContext } from './incomingCallContext';

export interface PlaceCallRequest {
  from: string;
  to: string;
  callerDisplayName?: string;
  customContext?: { sipHeaders?: Record<string, string>; voipHeaders?: Record<string, string> };
  /** How long this call rings unanswered before the caller gives up (simulated ms). */
  ringTimeoutMs?: number;
}

export interface RingOutcome {
  onAnswer: () => void;
  onReject: () => void;
  onTimeout: () => void;
}

export class PstnWorld {
  private readonly agents = new Map<string, AgentBehaviour>();
  /** Rings waiting for a person's decision (agents configured `manual`), by serverCallId and target raw id. */
  private readonly waiting = new Map<string, RingOutcome & { timer: TimerHandle }>();
  private ctx!: AcsContext;

  constructor(
    agents: Record<string, AgentBehaviour>,
    private defaultBehaviour: AgentBehaviour,
  ) {
    for (const [key, behaviour] of Object.entries(agents)) this.agents.set(key, behaviour);
  }

  attach(ctx: AcsContext): void {
    this.ctx = ctx;
  }

  configureAgent(key: string, behaviour: AgentBehaviour): void {
    this.agents.set(key, behaviour);
  }

  setDefaultBehaviour(behaviour: AgentBehaviour): void {
    this.defaultBehaviour = behaviour;
  }

  behaviourOf(target: IdentifierModel): AgentBehaviour {
    return this.agents.get(lookupKey(target)) ?? this.agents.get(target.rawId) ?? this.defaultBehaviour;
  }

  newCall(
    direction: 'inbound' | 'outbound',
    caller: IdentifierModel,
    callee: IdentifierModel,
    displayName?: string,
  ): Call {
    const o = this.ctx.options;
    const call = new Call(direction, caller, callee, displayName, this.ctx.scheduler, this.ctx.callbacks, {
      playMsPerCharacter: o.playMsPerCharacter,
      playFileMs: o.playFileMs,
    });
    // What the caller hears, in words, so the timeline (and the console) show each prompt as it plays.
    call.audioListeners.add((event) => {
      if (event.kind === 'prompt' && event.text) this.record('promptPlayed', call, { text: event.text });
    });
    return call;
  }

  /** Rings `target` for `call`; exactly one outcome fires unless the returned handle is cancelled. */
  ring(
    call: Call,
    target: IdentifierModel,
    outcome: RingOutcome,
    timeoutMs = this.ctx.options.ringTimeoutMs,
  ): TimerHandle {
    const behaviour = this.behaviourOf(target);
    if (behaviour.kind === 'answer') {
      const delay = behaviour.afterMs ?? this.ctx.options.answerDelayMs;
      return delay > timeoutMs ? call.after(timeoutMs, outcome.onTimeout) : call.after(delay, outcome.onAnswer);
    }
    if (behaviour.kind === 'reject') return call.after(Math.min(behaviour.afterMs ?? 500, timeoutMs), outcome.onReject);
    if (behaviour.kind === 'manual') return this.ringForPerson(call, target, outcome, timeoutMs);
    return call.after(timeoutMs, outcome.onTimeout);
  }

  private ringForPerson(call: Call, target: IdentifierModel, outcome: RingOutcome, timeoutMs: number): TimerHandle {
    const key = `${call.serverCallId} ${target.rawId}`;
    const timer = call.after(timeoutMs, () => {
      this.waiting.delete(key);
      this.record('ringUnanswered', call, { target: target.rawId });
      outcome.onTimeout();
    });
    this.waiting.set(key, { ...outcome, timer });
    call.onEnd.push(() => this.waiting.delete(key));
    this.record('ringing', call, { target: target.rawId });
    return {
      cancel: () => {
        timer.cancel();
        if (this.waiting.delete(key)) this.record('ringCancelled', call, { target: target.rawId });
      },
    };
  }

  /** The person at `target` answers or rejects the call ringing them (an agent configured `manual`). */
  decide(serverCallId: string, target: string, decision: 'answer' | 'reject'): void {
    const call = this.find(serverCallId);
    const rawId = identifierFromString(target, 'target').rawId;
    const key = `${serverCallId} ${rawId}`;
    const ring = this.waiting.get(key);
    if (!ring) throw acsErrors.invalidBody(`'${target}' is not ringing for this call.`);
    this.waiting.delete(key);
    ring.timer.cancel();
    this.record(decision === 'answer' ? 'ringAnswered' : 'ringRejected', call, { target: rawId });
    if (decision === 'answer') ring.onAnswer();
    else ring.onReject();
  }

  /** A caller dials a number of the resource: Event Grid IncomingCall, then it rings until answered. */
  placeCall(request: PlaceCallRequest): Call {
    const from = identifierFromString(String(request.from ?? ''), 'from');
    const to = identifierFromString(String(request.to ?? ''), 'to');
    const call = this.newCall('inbound', from, to, request.callerDisplayName);
    call.incomingCallContext = newIncomingCallContext();
    call.addParticipant(from);
    this.ctx.calls.add(call);
    this.record('placeCall', call);
    this.ctx.eventGrid.publish('Microsoft.Communication.IncomingCall', `/caller/${from.rawId}/recipient/${to.rawId}`, {
      to,
      from,
      serverCallId: call.serverCallId,
      callerDisplayName: request.callerDisplayName ?? '',
      incomingCallContext: call.incomingCallContext,
      customContext: {
        sipHeaders: request.customContext?.sipHeaders ?? {},
        voipHeaders: request.customContext?.voipHeaders ?? {},
      },
      correlationId: call.correlationId,
    });
    call.after(request.ringTimeoutMs ?? this.ctx.options.incomingCallTimeoutMs, () => {
      if (call.state !== 'ringing') return;
      call.state = 'disconnected';
      this.record('missed', call);
    });
    return call;
  }

  pressDigits(serverCallId: string, digits: string): void {
    const call = this.active(serverCallId);
    const tones = digitsToTones(digits);
    this.record('pressDigits', call, { count: tones.length });
    call.media.pressTones(tones);
  }

  say(serverCallId: string, text: string): void {
    const call = this.active(serverCallId);
    this.record('say', call);
    call.media.say(String(text ?? ''));
  }

  staySilent(serverCallId: string): void {
    const call = this.active(serverCallId);
    this.record('staySilent', call);
    call.media.staySilent();
  }

  /** The caller (or another participant, by number or user id) hangs up. The call goes on while the app
   * still has someone to talk to; otherwise it ends with CallDisconnected. */
  hangUp(serverCallId: string, participant?: string): void {
    const call = this.find(serverCallId);
    this.record('hangUp', call);
    if (call.state === 'ringing') {
      call.state = 'disconnected';
      return;
    }
    const leaving = participant ? identifierFromString(participant, 'participant') : call.remoteParty;
    if (call.isConnected && call.others().length > 1 && call.participants.delete(leaving.rawId)) {
      call.participantsUpdated();
      return;
    }
    call.disconnect('The caller hung up.');
  }

  find(serverCallId: string): Call {
    const call = this.ctx.calls.byServerCall(serverCallId);
    if (!call) throw acsErrors.callNotFound();
    return call;
  }

  private active(serverCallId: string): Call {
    const call = this.find(serverCallId);
    if (call.state === 'disconnected') throw acsErrors.callNotFound();
    return call;
  }

  record(action: string, call: Call, data?: Record<string, unknown>): void {
    this.ctx.timeline.add({
      kind: 'world',
      type: action,
      serverCallId: call.serverCallId,
      callConnectionId: call.callConnectionId,
      data,
    });
  }
}
