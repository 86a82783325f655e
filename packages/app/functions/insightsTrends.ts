import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { ValidationError } from '@switchboard/core/errors';
import { getAnalytics } from '../src/app/analyticsServices';
import { getServices } from '../src/app/services';
import { Roles } from '../src/api/apiAuth';
import { requireRole } from '../src/api/apiGuards';
import { insightsTrends } from '../src/analytics/insightsTrends';
import { parseTrendsQuery } from '../src/analytics/trendsQuery';

// GET /api/insights/trends?from&to&interval&line&channel (Insights.Read): volumes, handling rates, handle time,
// time to a person, topics and sentiment per interval, from the rollups kept as conversations end (never a
// scan of the annotations), plus the period of the same length before for the topics' change.
export async function getInsightsTrends(request: HttpRequest): Promise<HttpResponseInit> {
  const auth = await requireRole(request, await getServices(), Roles.insightsRead);
  if (!auth.ok) return auth.response;
  let query;
  try {
    query = parseTrendsQuery(request.query);
  } catch (error) {
    if (error instanceof ValidationError) return { status: 400, jsonBody: { error: error.message } };
    throw error;
  }
  const { analytics } = await getAnalytics();
  const previousFrom = new Date(2 * query.from.getTime() - query.to.getTime());
  const rows = await analytics.rollups.list(query.interval === 'hour' ? 'hour' : 'day', previousFrom, query.to);
  return { status: 200, jsonBody: insightsTrends(query, rows) };
}

app.http('insightsTrends', {
  route: 'insights/trends',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: getInsightsTrends,
});
