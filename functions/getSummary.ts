import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { getInsights } from '../shared/app/insightsServices';
import { Containers } from '../shared/summaries/insightsBlobs';

// GET /api/summaries/{id}[?format=md]: the redacted summary a supervisor reads.
export async function getSummary(request: HttpRequest): Promise<HttpResponseInit> {
  const id = request.params.id;
  if (!/^[A-Za-z0-9._:-]{1,200}$/.test(id))
    return { status: 400, jsonBody: { error: 'The summary id has characters a summary id never has.' } };
  const markdown = request.query.get('format') === 'md';
  const text = await getInsights().blobs.getText(Containers.summaries, `${id}.${markdown ? 'md' : 'json'}`);
  if (text === undefined) return { status: 404, jsonBody: { error: `No summary with id ${id}.` } };
  return markdown
    ? { status: 200, headers: { 'content-type': 'text/markdown; charset=utf-8' }, body: text }
    : { status: 200, headers: { 'content-type': 'application/json' }, body: text };
}

app.http('getSummary', { route: 'summaries/{id}', methods: ['GET'], authLevel: 'function', handler: getSummary });
