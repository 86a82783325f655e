import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getServices } from '../shared/app/services';
import { campaignRequest } from '../shared/callflow/campaign/campaignRequest';
import {
  campaignContactOrchestration,
  reminderCampaignOrchestration,
} from '../shared/callflow/campaign/reminderCampaign';
import { OrchestrationNames } from '../shared/callflow/names';

// A reminder campaign (shared/callflow/campaign/): one orchestration per campaign, one sub-orchestration
// per contact.
df.app.orchestration(OrchestrationNames.reminderCampaign, reminderCampaignOrchestration);
df.app.orchestration(OrchestrationNames.campaignContact, campaignContactOrchestration);

// POST /api/campaigns: starts a campaign; GET /api/calls/{campaignId} is not for campaigns: poll the
// durable status URL returned here.
export async function startCampaign(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const parsed = campaignRequest(await request.text(), getServices().flows);
  if (!parsed.ok) return { status: parsed.status, jsonBody: { error: parsed.error } };
  const { campaignId } = parsed.input;
  const client = df.getClient(context);
  await client.startNew(OrchestrationNames.reminderCampaign, { instanceId: campaignId, input: parsed.input });
  return {
    status: 202,
    jsonBody: { campaignId, status: client.createHttpManagementPayload(campaignId).statusQueryGetUri },
  };
}

app.http('startCampaign', {
  route: 'campaigns',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [df.input.durableClient()],
  handler: startCampaign,
});
