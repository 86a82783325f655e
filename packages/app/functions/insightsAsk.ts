import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { SwitchboardError, ValidationError } from '@switchboard/core/errors';
import { getAnalytics } from '../src/app/analyticsServices';
import { getServices } from '../src/app/services';
import { Roles } from '../src/api/apiAuth';
import { requireRole } from '../src/api/apiGuards';
import { askInsights } from '../src/analytics/askInsights';
import { parseAskRequest } from '../src/analytics/askRequest';

// POST /api/insights/ask {question, customer?, from?, to?} (Insights.Read): an answer grounded on the
// customer's redacted conversations (found by the hash of their number) or on the period's rollups, with
// citations; it says so when it has nothing to go on.
export async function postInsightsAsk(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const auth = await requireRole(request, await getServices(), Roles.insightsRead);
  if (!auth.ok) return auth.response;
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return { status: 400, jsonBody: { error: 'The body must be JSON: {"question": "...", "customer": "+1..."}.' } };
  }
  try {
    const ask = parseAskRequest(body);
    const { analytics, customerSalt, askModel } = await getAnalytics();
    const model = askModel ? await askModel() : undefined;
    const answer = await askInsights(ask, { analytics, customerSalt, ...(model ? { model } : {}) });
    context.info('insights question answered', { grounded: answer.grounded, citations: answer.citations.length });
    return { status: 200, jsonBody: answer };
  } catch (error) {
    if (error instanceof ValidationError) return { status: 400, jsonBody: { error: error.message } };
    if (error instanceof SwitchboardError && error.code === 'config')
      return { status: 503, jsonBody: { error: error.message } };
    if (error instanceof SwitchboardError && error.retryable)
      return {
        status: 503,
        headers: { 'retry-after': '5' },
        jsonBody: { error: 'The model is unavailable; try again.' },
      };
    throw error;
  }
}

app.http('insightsAsk', { route: 'insights/ask', methods: ['POST'], authLevel: 'anonymous', handler: postInsightsAsk });
