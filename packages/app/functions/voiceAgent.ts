import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';

const MAX_BODY_BYTES = 4 * 1024;

// GET/POST /api/calls/{callId}/voice-agent: the media bridge reads the call's agent and reports hand-off,
// end or failure, which are raised to the call's orchestration. Authenticated by the call's media token.
export async function voiceAgent(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const body = request.method === 'POST' ? await request.text() : '';
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) return { status: 413, jsonBody: { error: 'body too large' } };
  const client = df.getClient(context);
  // Its zod-validated parsing loads on first use, not when the worker starts (cold start).
  const { handleVoiceAgentRequest } = await import('../src/call/voiceAgentRoute.js');
  const result = await handleVoiceAgentRequest(
    request.method,
    request.params.callId,
    request.headers.get('authorization'),
    body,
    {
      status: async (callId) => {
        const status = await client.getStatus(callId, { showInput: true }).catch(() => undefined);
        if (!status?.name) return undefined;
        const running = ['Running', 'Pending'].includes(String(status.runtimeStatus));
        return { input: status.input, customStatus: status.customStatus, running };
      },
      raise: (callId, name, data) => client.raiseEvent(callId, name, data),
    },
  );
  if (result.status >= 400) context.warn('voice-agent request refused', { status: result.status });
  return result;
}

app.http('voiceAgent', {
  route: 'calls/{callId}/voice-agent',
  methods: ['GET', 'POST'],
  authLevel: 'anonymous', // the bridge holds no function key; the call's media token is the authentication
  extraInputs: [df.input.durableClient()],
  handler: voiceAgent,
});
