import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { getInsightsBlobs } from '../src/app/insightsServices';
import { Containers } from '../src/summaries/insightsBlobs';
import { getServices } from '../src/app/services';
import { Roles } from '../src/api/apiAuth';
import { requireRole } from '../src/api/apiGuards';
import { maskPhoneNumbers } from '../src/api/maskPhoneNumbers';

// GET /api/summaries/{id}[?format=md]: the redacted summary a supervisor reads (Calls.Read role; any
// number the redaction missed is masked on the way out).
export async function getSummary(request: HttpRequest): Promise<HttpResponseInit> {
  const auth = await requireRole(request, await getServices(), Roles.read);
  if (!auth.ok) return auth.response;
  const id = request.params.id;
  if (!/^[A-Za-z0-9._:-]{1,200}$/.test(id))
    return { status: 400, jsonBody: { error: 'The summary id has characters a summary id never has.' } };
  const markdown = request.query.get('format') === 'md';
  const stored = await (await getInsightsBlobs()).getText(Containers.summaries, `${id}.${markdown ? 'md' : 'json'}`);
  if (stored === undefined) return { status: 404, jsonBody: { error: `No summary with id ${id}.` } };
  const text = maskPhoneNumbers(stored);
  return markdown
    ? { status: 200, headers: { 'content-type': 'text/markdown; charset=utf-8' }, body: text }
    : { status: 200, headers: { 'content-type': 'application/json' }, body: text };
}

app.http('getSummary', { route: 'summaries/{id}', methods: ['GET'], authLevel: 'anonymous', handler: getSummary });
