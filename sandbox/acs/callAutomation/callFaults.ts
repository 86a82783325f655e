// Faults a test (or the load bench) injects through the control API, to reproduce what goes wrong in a real
// deployment: a callback ACS sends and the app never receives (ACS delivers each callback once), and an answered
// call that never connects. Each fault applies to the calls of one remote party (a caller's number or raw id), or
// to every call, until it is removed.
import { randomUUID } from 'node:crypto';
import { acsErrors } from '../errors';
import type { Call } from './call';

export type CallFault =
  /** Callbacks of this type are sent but lost on the way: the app never sees them. */
  | { id: string; kind: 'loseCallback'; eventType: string; party?: string }
  /** An answered call stays `connecting`: no CallConnected, GET call connection says connecting. */
  | { id: string; kind: 'neverConnect'; party?: string };

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
    } else {
      throw acsErrors.invalidBody("'kind' must be loseCallback or neverConnect.");
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

  neverConnects(call: Call): boolean {
    return this.list().some((f) => f.kind === 'neverConnect' && applies(f, call.remoteParty.rawId));
  }
}

function applies(fault: CallFault, party: string | undefined): boolean {
  if (fault.party === undefined) return true;
  return party === fault.party || party === `4:${fault.party}`;
}
