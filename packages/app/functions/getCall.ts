import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getServices } from '../src/app/services';
import { Roles } from '../src/api/apiAuth';
import { requireRole } from '../src/api/apiGuards';
import { maskPhoneNumbersDeep } from '../src/api/maskPhoneNumbers';

// GET /api/calls/{callId}: the call's state, current step, variables (digits masked by the flow) and the
// steps it took. Never the caller's number (anything number-like in the variables is masked too).
// Requires an Entra ID token with the Calls.Read role.
export async function getCall(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const auth = await requireRole(request, await getServices(), Roles.read);
  if (!auth.ok) return auth.response;
  const callId = request.params.callId;
  let status;
  try {
    status = await df.getClient(context).getStatus(callId, { showInput: false });
  } catch {
    return { status: 404, jsonBody: { error: `No call with id ${callId}.` } };
  }
  if (!status?.name) return { status: 404, jsonBody: { error: `No call with id ${callId}.` } };
  const custom = (status.customStatus ?? {}) as {
    step?: string;
    stepsTaken?: number;
    variables?: Record<string, string>;
    path?: string[];
  };
  const output = status.output as { outcome?: string; reason?: string } | null | undefined;
  return {
    status: 200,
    jsonBody: {
      callId,
      state: String(status.runtimeStatus),
      outcome: output?.outcome,
      reason: output?.reason,
      currentStep: custom.step,
      stepsTaken: custom.stepsTaken ?? 0,
      variables: maskPhoneNumbersDeep(custom.variables ?? {}),
      history: custom.path ?? [],
      startedAt: status.createdTime,
      updatedAt: status.lastUpdatedTime,
    },
  };
}

app.http('getCall', {
  route: 'calls/{callId}',
  methods: ['GET'],
  authLevel: 'anonymous', // no function key: the Entra token checked in code is the authentication
  extraInputs: [df.input.durableClient()],
  handler: getCall,
});
