import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { ValidationError } from '@switchboard/core/errors';
import { getAnalytics } from '../src/app/analyticsServices';
import { getInsightsBlobs } from '../src/app/insightsServices';
import { getMessaging } from '../src/app/messagingServices';
import { getServices } from '../src/app/services';
import { Roles } from '../src/api/apiAuth';
import { requireRole } from '../src/api/apiGuards';
import { eraseCustomer } from '../src/analytics/eraseCustomer';

// DELETE /api/insights/customers/{number} (Insights.Admin): the right to erasure. Every conversation of the
// customer (found by the hash of their number) is removed wherever the app stored it (analytics/eraseCustomer.ts).
export async function deleteInsightsCustomer(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const auth = await requireRole(request, await getServices(), Roles.insightsAdmin);
  if (!auth.ok) return auth.response;
  const { analytics, customerSalt } = await getAnalytics();
  if (!customerSalt)
    return { status: 503, jsonBody: { error: 'Erasure needs INSIGHTS_CUSTOMER_SALT, which is not set.' } };
  const [blobs, messaging] = await Promise.all([getInsightsBlobs(), getMessaging()]);
  const client = df.getClient(context);
  try {
    const report = await eraseCustomer(decodeURIComponent(request.params.number ?? ''), {
      analytics,
      salt: customerSalt,
      container: (name) => blobs.container(name),
      eraseConversationState: (key) => messaging.conversations.erase(key),
      purgeCall: async (callId) => {
        await client.purgeInstanceHistory(callId).catch(() => undefined); // an instance already purged is no error
      },
    });
    context.info('customer erased', { conversations: report.conversations, blobs: report.blobsDeleted });
    return { status: 200, jsonBody: { erased: report.conversations, blobsDeleted: report.blobsDeleted } };
  } catch (error) {
    if (error instanceof ValidationError) return { status: 400, jsonBody: { error: error.message } };
    throw error;
  }
}

app.http('eraseInsightsCustomer', {
  route: 'insights/customers/{number}',
  methods: ['DELETE'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: deleteInsightsCustomer,
});
