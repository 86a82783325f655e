// Faults a test (or the load bench) injects through the control API, to reproduce what goes wrong in a real
// deployment: a callback ACS sends and the app never receives (ACS delivers each callback once), an answered
// call that never connects, and :answer failing for a while (a service blip the SDK's own retries outlast). Each fault applies to the calls of one remote party (a caller's number or raw id), or
// to every call, until it is removed.
import { randomUUID } from 'node:crypto';
import { AcsError, acsErrors } from '../errors';
import type { Call } from './call';

export type CallFault =
  /** Callbacks of this type are sent but lost on the way: the app never sees them. */
  | { id: string; kind: 'loseCallback'; eventType: string; party?: string }
  /** An answered call stays `connecting`: no CallConnected, GET call connection says connecting. */
  | { id: string; kind: 'neverConnect'; party?: string }
  /** The next `times` :answer requests for a ringing call fail with this status (5xx) and answer nothing. */
  | { id: string; kind: 'failAnswer'; status: number; times: number; party?: string };

export class CallFaults {
  private readonly faults = new Map<string, CallFault>();

  /** Validates a fault as the control API receives it and arms it. */
  add(body: Record<string, unknown>): CallFault {
    const party = body.party;
    if (party !== undefined && (typeof party !== 'string' || !party))
      throw acsErrors.invalidBody("'party' must be a phone number or raw id.");
    const id = randomUUID();
    let fault: CallFault;
    if (body.kind === 'loseCallback') {
      if (typeof body.eventType !== 'string' || !/^[A-Za-z]+$/.test(body.eventType))
        throw acsErrors.invalidBody("'eventType' must be a callback type such as CallConnected.");
      fault = { id, kind: 'loseCallback', eventType: body.eventType, party };
    } else if (body.kind === 'neverConnect') {
      fault = { id, kind: 'neverConnect', party };
    } else if (body.kind === 'failAnswer') {
      const status = body.status ?? 503;
      const times = body.times ?? 1;
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 500 || status > 599)
        throw acsErrors.invalidBody("'status' must be a 5xx status code.");
      if (typeof times !== 'number' || !Number.isInteger(times) || times < 1)
        throw acsErrors.invalidBody("'times' must be a whole number of requests, at least 1.");
      fault = { id, kind: 'failAnswer', status, times, party };
    } else {
      throw acsErrors.invalidBody("'kind' must be loseCallback, neverConnect or failAnswer.");
    }
    this.faults.set(id, fault);
    return fault;
  }

  remove(id: string): boolean {
    return this.faults.delete(id);
  }

  list(): CallFault[] {
    return [...this.faults.values()];
  }

  /** Whether a callback of this type for a call with this remote party is lost. */
  losesCallback(party: string | undefined, eventType: string): boolean {
    return this.list().some((f) => f.kind === 'loseCallback' && f.eventType === eventType && applies(f, party));
  }

  /** The error an :answer of this call fails with now, if a failAnswer fault still has requests to fail. */
  answerFailure(call: Call): AcsError | undefined {
    const fault = this.list().find((f) => f.kind === 'failAnswer' && applies(f, call.remoteParty.rawId));
    if (fault?.kind !== 'failAnswer') return undefined;
    if (--fault.times === 0) this.faults.delete(fault.id);
    return new AcsError(fault.status, 'ServiceUnavailable', 'The service is temporarily unavailable (control fault).');
  }

  neverConnects(call: Call): boolean {
    return this.list().some((f) => f.kind === 'neverConnect' && applies(f, call.remoteParty.rawId));
  }
}

function applies(fault: CallFault, party: string | undefined): boolean {
  if (fault.party === undefined) return true;
  return party === fault.party || party === `4:${fault.party}`;
}
