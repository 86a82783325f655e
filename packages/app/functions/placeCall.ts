import { randomUUID } from 'node:crypto';
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getServices } from '../src/app/services';
import { createCallSession } from '../src/call/callSession';
import { OrchestrationNames } from '../src/call/names';
import { Roles } from '../src/api/apiAuth';
import { refuseOutbound, requireRole } from '../src/api/apiGuards';
import { firstDisallowed } from '../src/api/outboundPolicy';
import { ValidationError } from '@switchboard/core/errors';

// POST /api/calls: places an outbound call and runs the named flow once the callee answers. Requires an
// Entra ID token with the Calls.Place role, an allowed destination and room under the rate caps.
export async function placeCall(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const services = await getServices();
  const auth = await requireRole(request, services, Roles.place);
  if (!auth.ok) return auth.response;
  // Its zod-validated parsing loads on first use, not when the worker starts (cold start).
  const { callerNumberFor, parseJsonBody, placeCallBody } = await import('../src/call/outboundRequest.js');
  const parsed = parseJsonBody(await request.text(), placeCallBody);
  if (!parsed.ok) return { status: parsed.status, jsonBody: { error: parsed.error } };
  const body = parsed.value;
  const flow = services.flows.flows[body.flow];
  if (!flow) return { status: 404, jsonBody: { error: `No flow named "${body.flow}".` } };
  const refused = await refuseOutbound(services, auth.caller, [body.to]);
  if (refused) return refused;
  const from = callerNumberFor(flow, body.from);
  if (!from)
    return { status: 400, jsonBody: { error: `Flow "${body.flow}" has no number to call from: pass "from".` } };
  const session = createCallSession({
    callId: randomUUID(),
    direction: 'outbound',
    callerId: await services.sealed.seal(body.to),
    dialled: from,
    flowName: body.flow,
    flow,
    variables: body.variables,
    ringTimeoutSeconds: body.ringTimeoutSeconds,
    connect: services.config.callConnect,
  });
  await df.getClient(context).startNew(OrchestrationNames.callFlow, { instanceId: session.callId, input: session });
  return { status: 202, jsonBody: { callId: session.callId, statusUrl: `/api/calls/${session.callId}` } };
}

/**
 * The outbound call path for other triggers (a messaging agent's call-back): the same session and
 * orchestration as POST /api/calls, started from the invocation's durable client.
 */
export function outboundCallStarter(context: InvocationContext) {
  return async (request: { to: string; flow: string; from?: string }): Promise<string> => {
    const [{ flows, config, sealed }, { callerNumberFor }] = await Promise.all([
      getServices(),
      import('../src/call/outboundRequest.js'),
    ]);
    const flow = flows.flows[request.flow];
    if (!flow) throw new ValidationError(`No flow named "${request.flow}".`);
    // The same toll-fraud allow-list as POST /api/calls: a customer's address is not proof of a safe number.
    if (firstDisallowed([request.to], config.api.allowedPrefixes) !== undefined)
      throw new ValidationError('The call-back number is not under OUTBOUND_ALLOWED_PREFIXES.');
    const from = callerNumberFor(flow, request.from);
    if (!from) throw new ValidationError(`Flow "${request.flow}" has no number to call from.`);
    const session = createCallSession({
      callId: randomUUID(),
      direction: 'outbound',
      callerId: await sealed.seal(request.to),
      dialled: from,
      flowName: request.flow,
      flow,
      connect: config.callConnect,
    });
    await df.getClient(context).startNew(OrchestrationNames.callFlow, { instanceId: session.callId, input: session });
    return session.callId;
  };
}

app.http('placeCall', {
  route: 'calls',
  methods: ['POST'],
  authLevel: 'anonymous', // no function key: the Entra token checked in code is the authentication
  extraInputs: [df.input.durableClient()],
  handler: placeCall,
});
