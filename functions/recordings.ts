import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import { getServices } from '../shared/app/services';
import { RecordingControl, type RecordingAction } from '../shared/calls/recordingControl';
import { NotFoundError, ValidationError } from '../shared/errors';
import { parseJsonBody } from '../shared/calls/outboundRequest';

const startBody = z.strictObject({
  serverCallId: z.string().min(1),
  format: z.enum(['wav', 'mp3']).optional(),
  channel: z.enum(['mixed', 'unmixed']).optional(),
});

// Out-of-call recording control by serverCallId: POST /api/recordings starts one; POST
// /api/recordings/{recordingId}/{pause|resume|stop} and GET /api/recordings/{recordingId} act on it.
export async function recordings(request: HttpRequest): Promise<HttpResponseInit> {
  const control = new RecordingControl(getServices().callAutomation);
  try {
    const { recordingId, action } = request.params;
    if (!recordingId) {
      const parsed = parseJsonBody(await request.text(), startBody);
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

app.http('startRecording', { route: 'recordings', methods: ['POST'], authLevel: 'function', handler: recordings });
app.http('recordingAction', {
  route: 'recordings/{recordingId}/{action?}',
  methods: ['GET', 'POST'],
  authLevel: 'function',
  handler: recordings,
});
