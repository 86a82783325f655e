import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getServices } from '../src/app/services';
import {
  campaignContactOrchestration,
  maskNumber,
  reminderCampaignOrchestration,
  type CampaignContactInput,
  type CampaignInput,
} from '../src/call/campaign/reminderCampaign';
import { CampaignActivityNames, OrchestrationNames } from '../src/call/names';
import { Roles } from '../src/api/apiAuth';
import { refuseOutbound, requireRole } from '../src/api/apiGuards';

// A reminder campaign (shared/callflow/campaign/): one orchestration per campaign, one sub-orchestration
// per contact.
df.app.orchestration(OrchestrationNames.reminderCampaign, reminderCampaignOrchestration);
df.app.orchestration(OrchestrationNames.campaignContact, campaignContactOrchestration);
df.app.activity(CampaignActivityNames.contact, {
  handler: async ({ campaignId, index }: CampaignContactInput) =>
    (await getServices()).campaignContacts.get(campaignId, index),
});
df.app.activity(CampaignActivityNames.forgetContacts, {
  handler: async ({ campaignId }: CampaignContactInput) => (await getServices()).campaignContacts.forget(campaignId),
});

// POST /api/campaigns: starts a campaign (Calls.Place role, every contact allowed, size capped, one
// request against the rate caps); GET /api/campaigns/{campaignId} reports it (getCampaign.ts).
export async function startCampaign(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const services = await getServices();
  const auth = await requireRole(request, services, Roles.place);
  if (!auth.ok) return auth.response;
  // Its zod-validated parsing loads on first use, not when the worker starts (cold start).
  const { campaignRequest } = await import('../src/call/campaign/campaignRequest.js');
  const parsed = campaignRequest(await request.text(), services.flows);
  if (!parsed.ok) return { status: parsed.status, jsonBody: { error: parsed.error } };
  const refused = await refuseOutbound(
    services,
    auth.caller,
    parsed.input.contacts.map((c) => c.to),
  );
  if (refused) return refused;
  const { campaignId, contacts, ...campaign } = parsed.input;
  // The callees are kept outside the orchestration (its input is capped, and its status shows it), each number
  // sealed, with its masked form for the results.
  await services.campaignContacts.save(
    campaignId,
    await Promise.all(
      contacts.map(async (contact) => ({
        to: await services.sealed.seal(contact.to),
        masked: maskNumber(contact.to),
        variables: contact.variables,
      })),
    ),
  );
  const input: CampaignInput = {
    ...campaign,
    campaignId,
    contactCount: contacts.length,
    connect: services.config.callConnect,
  };
  await df.getClient(context).startNew(OrchestrationNames.reminderCampaign, { instanceId: campaignId, input });
  // The app's own status route: never Durable's management URLs, which carry the system key.
  return { status: 202, jsonBody: { campaignId, statusUrl: `/api/campaigns/${campaignId}` } };
}

app.http('startCampaign', {
  route: 'campaigns',
  methods: ['POST'],
  authLevel: 'anonymous', // no function key: the Entra token checked in code is the authentication
  extraInputs: [df.input.durableClient()],
  handler: startCampaign,
});
