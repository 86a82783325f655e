import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getServices } from '../src/app/services';
import { Roles } from '../src/api/apiAuth';
import { requireRole } from '../src/api/apiGuards';
import { maskPhoneNumbersDeep } from '../src/api/maskPhoneNumbers';
import { OrchestrationNames } from '../src/call/names';

// GET /api/campaigns/{campaignId}: progress while it runs, one result per contact (numbers masked) when
// done. The app's own status route, so no Durable management URL or system key is ever handed out.
export async function getCampaign(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const auth = await requireRole(request, await getServices(), Roles.read);
  if (!auth.ok) return auth.response;
  const campaignId = request.params.campaignId;
  const status = await df
    .getClient(context)
    .getStatus(campaignId, { showInput: false })
    .catch(() => undefined);
  if (status?.name !== OrchestrationNames.reminderCampaign)
    return { status: 404, jsonBody: { error: `No campaign with id ${campaignId}.` } };
  return {
    status: 200,
    jsonBody: {
      campaignId,
      state: String(status.runtimeStatus),
      progress: status.customStatus ?? undefined,
      results: maskPhoneNumbersDeep((status.output as { results?: unknown } | null)?.results),
      startedAt: status.createdTime,
      updatedAt: status.lastUpdatedTime,
    },
  };
}

app.http('getCampaign', {
  route: 'campaigns/{campaignId}',
  methods: ['GET'],
  authLevel: 'anonymous', // no function key: the Entra token checked in code is the authentication
  extraInputs: [df.input.durableClient()],
  handler: getCampaign,
});
