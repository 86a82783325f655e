// The control API's faults: POST /control/faults arms one (lose a callback type, or never connect an answered
// call, for one remote party or for all), GET lists them, DELETE /control/faults/{id} disarms one.
import type { AcsContext } from '../context';
import { acsErrors } from '../errors';
import { route, type Route } from '../http/router';

export function faultRoutes(ctx: AcsContext): Route[] {
  return [
    route('POST', /^\/control\/faults$/, 'none', 'control.addFault', (req) => ({
      status: 201,
      body: ctx.faults.add(req.body),
    })),
    route('GET', /^\/control\/faults$/, 'none', 'control.listFaults', () => ({
      status: 200,
      body: { value: ctx.faults.list() },
    })),
    route('DELETE', /^\/control\/faults\/([^/]+)$/, 'none', 'control.removeFault', (req) => {
      if (!ctx.faults.remove(req.params[0])) throw acsErrors.unknownOperation('DELETE', 'fault');
      return { status: 204 };
    }),
  ];
}
