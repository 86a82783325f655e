// The calls of one emulator instance, findable by server call id, call connection id and incoming call
// context. Ended calls stay readable for the control API but are "not found" for Call Automation.
import { acsErrors } from '../errors';
import type { Call } from './call';

/** Ended calls kept for the control API before the oldest are forgotten (a long sandbox session). */
const KEEP_ENDED = 1_000;

export class CallStore {
  private readonly byServerCallId = new Map<string, Call>();
  private readonly byConnectionId = new Map<string, Call>();
  private readonly byContext = new Map<string, Call>();

  add(call: Call): void {
    this.prune();
    this.byServerCallId.set(call.serverCallId, call);
    if (call.incomingCallContext) this.byContext.set(call.incomingCallContext, call);
    if (call.callConnectionId) this.byConnectionId.set(call.callConnectionId, call);
  }

  connect(call: Call, callConnectionId: string): void {
    call.callConnectionId = callConnectionId;
    this.byConnectionId.set(callConnectionId, call);
  }

  byServerCall(serverCallId: string): Call | undefined {
    return this.byServerCallId.get(serverCallId);
  }

  byIncomingContext(context: string): Call | undefined {
    return this.byContext.get(context);
  }

  /** The live call of a call connection, or ACS's 404 8522. */
  live(callConnectionId: string): Call {
    const call = this.byConnectionId.get(callConnectionId);
    if (!call || call.state === 'disconnected') throw acsErrors.callNotFound();
    return call;
  }

  /** The live, established call of a call connection (media and participant operations need one). */
  established(callConnectionId: string): Call {
    const call = this.live(callConnectionId);
    if (!call.isConnected) throw acsErrors.callNotEstablished();
    return call;
  }

  /** A live call named by its call connection id or by its server call id. */
  findLive(id: string): Call | undefined {
    const call = this.byConnectionId.get(id) ?? this.byServerCallId.get(id);
    return call && call.state !== 'disconnected' ? call : undefined;
  }

  serverCallIdOf(callConnectionId: string): string | undefined {
    return this.byConnectionId.get(callConnectionId)?.serverCallId;
  }

  private prune(): void {
    const ended = [...this.byServerCallId.values()].filter((c) => c.state === 'disconnected');
    for (const call of ended.slice(0, Math.max(0, ended.length - KEEP_ENDED))) {
      this.byServerCallId.delete(call.serverCallId);
      if (call.callConnectionId) this.byConnectionId.delete(call.callConnectionId);
      if (call.incomingCallContext) this.byContext.delete(call.incomingCallContext);
    }
  }

  all(): Call[] {
    return [...this.byServerCallId.values()];
  }
}
