import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { getServices } from '../src/app/services';
import type { RecordingAction } from '../src/call/recordingControl';
import { NotFoundError, ValidationError } from '@switchboard/core/errors';
import { Roles } from '../src/api/apiAuth';
import { requireRole } from '../src/api/apiGuards';

// Out-of-call recording control by serverCallId: POST /api/recordings starts one; POST
// /api/recordings/{recordingId}/{pause|resume|stop} and GET /api/recordings/{recordingId} act on it.
// Recording a call is as sensitive as placing one: changes need Calls.Place, reading the state Calls.Read.
export async function recordings(request: HttpRequest): Promise<HttpResponseInit> {
  const services = await getServices();
  const auth = await requireRole(request, services, request.method === 'GET' ? Roles.read : Roles.place);
  if (!auth.ok) return auth.response;
  // Its zod-validated parsing loads on first use, not when the worker starts (cold start).
  const [{ RecordingControl, startRecordingBody }, { parseJsonBody }] = await Promise.all([
    import('../src/call/recordingControl.js'),
    import('../src/call/outboundRequest.js'),
  ]);
  const control = new RecordingControl(services.callAutomation);
  try {
    const { recordingId, action } = request.params;
    if (!recordingId) {
      const parsed = parseJsonBody(await request.text(), startRecordingBody);
      if (!parsed.ok) return { status: parsed.status, jsonBody: { error: parsed.error } };
      return { status: 201, jsonBody: await control.start(parsed.value.serverCallId, parsed.value) };
    }
    const verb = (request.method === 'GET' ? 'state' : action) as RecordingAction | undefined;
    if (!verb || !['pause', 'resume', 'stop', 'state'].includes(verb))
      return { status: 404, jsonBody: { error: `Unknown recording action "${action}".` } };
    return { status: 200, jsonBody: await control.act(recordingId, verb) };
  } catch (error) {
    if (error instanceof NotFoundError) return { status: 404, jsonBody: { error: error.message } };
    if (error instanceof ValidationError) return { status: 400, jsonBody: { error: error.message } };
    throw error;
  }
}

app.http('startRecording', { route: 'recordings', methods: ['POST'], authLevel: 'anonymous', handler: recordings });
app.http('recordingAction', {
  route: 'recordings/{recordingId}/{action?}',
  methods: ['GET', 'POST'],
  authLevel: 'anonymous', // no function key: the Entra token checked in code is the authentication
  handler: recordings,
});
