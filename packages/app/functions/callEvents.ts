import { isUnknownInstance } from '../src/durable/isUnknownInstance';
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getServices } from '../src/app/services';
import { relayCallback } from '../src/call/relayCallback';
import { callMetrics } from '../src/telemetry/metrics';

const MAX_CALLBACK_BYTES = 256 * 1024;

// POST /api/calls/{callId}/events: ACS mid-call callbacks. Verified (RS256 JWT) before anything else,
// relayed to the call's orchestration, answered in milliseconds.
export async function callEvents(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const received = performance.now();
  const { config, callAutomation, callbackSecrets, replayGuard } = await getServices();
  const body = await request.text();
  if (Buffer.byteLength(body) > MAX_CALLBACK_BYTES)
    return { status: 413, jsonBody: { error: 'callback body too large' } };
  const client = df.getClient(context);
  const result = await relayCallback(request.params.callId, request.headers.get('authorization'), body, {
    token: {
      jwksUrl: config.acs.callbackJwksUrl,
      issuer: config.acs.callbackIssuer,
      audience: config.acs.immutableResourceId,
    },
    secret: request.query.get('s'),
    secretMatches: (callId, secret) => callbackSecrets.matches(callId, secret),
    firstUse: (tokenId, expiresAt) => replayGuard.firstUse(tokenId, expiresAt),
    release: (tokenId) => replayGuard.release(tokenId),
    raise: (callId, name, data) => client.raiseEvent(callId, name, data),
    isOrphan: async (callId) => {
      try {
        const { runtimeStatus, output } = await client.getStatus(callId);
        const { Completed, Failed, Terminated, Canceled } = df.OrchestrationRuntimeStatus;
        if (runtimeStatus === Completed) return (output as { outcome?: string } | null)?.outcome !== 'transferred';
        return [Failed, Terminated, Canceled].includes(runtimeStatus);
      } catch (error) {
        // Unknown here is an orphan; any other failure (storage down) must not hang a live call up.
        if (isUnknownInstance(error)) return true;
        throw error;
      }
    },
    hangUp: (callConnectionId) => callAutomation.getCallConnection(callConnectionId).hangUp(true),
  });
  if (result.status === 200 && result.orphanHungUp)
    context.warn('call hung up: its orchestration is not running', {
      callId: request.params.callId,
      event: result.event,
    });
  if (result.status !== 200) {
    context.warn('callback refused', { status: result.status, reason: result.reason, callId: request.params.callId });
    return { status: result.status, jsonBody: { error: result.reason } };
  }
  if (result.relayed) callMetrics.turn(performance.now() - received, { event: result.event ?? 'unknown' });
  return { status: 200 };
}

app.http('callEvents', {
  route: 'calls/{callId}/events',
  methods: ['POST'],
  authLevel: 'anonymous', // ACS cannot send a function key; the callback JWT is the authentication
  extraInputs: [df.input.durableClient()],
  handler: callEvents,
});
