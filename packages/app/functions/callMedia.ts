import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getServices } from '../src/app/services';

const MAX_BODY_BYTES = 4 * 1024;

// GET/POST/DELETE /api/calls/{callId}/media: the media bridge admits a stream (POST), follows the call's
// orchestration (GET, every few seconds) and has an orphaned call hung up (DELETE). Authenticated by the call's
// media token; see shared/calls/callMediaRoute.ts.
export async function callMedia(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const body = request.method === 'POST' ? await request.text() : '';
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) return { status: 413, jsonBody: { error: 'body too large' } };
  const { claims, replayGuard, callAutomation } = await getServices();
  const client = df.getClient(context);
  // Its zod-validated parsing loads on first use, not when the worker starts (cold start).
  const { handleCallMediaRequest } = await import('../src/call/callMediaRoute.js');
  let result;
  try {
    result = await handleCallMediaRequest(
      request.method,
      request.params.callId,
      request.headers.get('authorization'),
      body,
      {
        status: async (callId) => {
          let status;
          try {
            status = await client.getStatus(callId, { showInput: true });
          } catch (error) {
            // Unknown here (never started, or purged) is no call; any other failure must not pass for one.
            if (error instanceof Error && /HTTP 404/.test(error.message)) return undefined;
            throw error;
          }
          if (!status?.name) return undefined;
          const { input, customStatus, output } = status;
          return { input, customStatus, output, runtimeStatus: String(status.runtimeStatus) };
        },
        connectionOf: (callId) => claims.connectionOf(callId),
        firstUse: (tokenId, expiresAt) => replayGuard.firstUse(tokenId, expiresAt),
        hangUp: (callConnectionId) => callAutomation.getCallConnection(callConnectionId).hangUp(true),
      },
    );
  } catch (error) {
    // Storage or ACS unavailable: the bridge tries again (a stream is refused 503; a check decides nothing).
    context.warn('media request failed', { callId: request.params.callId, error: (error as Error).name });
    return { status: 503, jsonBody: { error: 'the call cannot be looked up now' } };
  }
  if (result.status >= 400)
    context.warn('media request refused', {
      status: result.status,
      reason: result.reason,
      callId: request.params.callId,
    });
  else if (request.method === 'DELETE' && (result.jsonBody as { hungUp?: boolean }).hungUp)
    context.warn('call hung up: the media bridge found its orchestration ended', { callId: request.params.callId });
  return { status: result.status, jsonBody: result.jsonBody };
}

app.http('callMedia', {
  route: 'calls/{callId}/media',
  methods: ['GET', 'POST', 'DELETE'],
  authLevel: 'anonymous', // the bridge holds no function key; the call's media token is the authentication
  extraInputs: [df.input.durableClient()],
  handler: callMedia,
});
