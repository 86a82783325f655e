import { randomUUID } from 'node:crypto';
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import { z } from 'zod';
import { getServices } from '../shared/app/services';
import { callerNumberFor, parseJsonBody, phoneNumber as phone } from '../shared/calls/outboundRequest';
import type { CallSession } from '../shared/calls/callSession';
import { CALL_FLOW, type CallFlowResult } from './callFlow';

// A reminder campaign: calls a list of contacts with a flow, a bounded number at a time, retrying
// callees who do not answer with exponential backoff, and reports one result per contact.

export const REMINDER_CAMPAIGN = 'reminderCampaign';
const CAMPAIGN_CONTACT = 'campaignContact';

export interface CampaignInput {
  campaignId: string;
  flowName: string;
  flow: CallSession['flow'];
  from: string;
  contacts: { to: string; variables?: Record<string, string> }[];
  concurrency: number;
  maxAttempts: number;
  retryDelaySeconds: number;
  ringTimeoutSeconds?: number;
}

interface ContactInput extends Omit<CampaignInput, 'contacts' | 'concurrency'> {
  index: number;
  contact: CampaignInput['contacts'][number];
}

export interface ContactResult {
  index: number;
  /** The callee's number with all but the last two digits masked. */
  to: string;
  status: 'no-answer' | 'failed' | CallFlowResult['outcome'];
  attempts: number;
  lastStep?: string;
}

export function* reminderCampaignOrchestration(
  context: OrchestrationContext,
): Generator<Task, { campaignId: string; results: ContactResult[] }, unknown> {
  const input = context.df.getInput<CampaignInput>();
  const results: ContactResult[] = [];
  const running: { index: number; task: Task }[] = [];
  const settle = (entry: { index: number; task: Task }) => {
    running.splice(running.indexOf(entry), 1);
    results[entry.index] = entry.task.result as ContactResult;
  };
  for (let index = 0; index < input.contacts.length; index++) {
    if (running.length >= input.concurrency) {
      const winner = (yield context.df.Task.any(running.map((r) => r.task))) as Task;
      settle(running.find((r) => r.task === winner)!);
    }
    const { contacts: _contacts, concurrency: _concurrency, ...shared } = input;
    const contactInput: ContactInput = { ...shared, index, contact: input.contacts[index] };
    running.push({
      index,
      task: context.df.callSubOrchestrator(CAMPAIGN_CONTACT, contactInput, `${input.campaignId}:contact-${index}`),
    });
    context.df.setCustomStatus({
      started: index + 1,
      finished: results.filter(Boolean).length,
      total: input.contacts.length,
    });
  }
  yield context.df.Task.all(running.map((r) => r.task));
  for (const entry of [...running]) settle(entry);
  return { campaignId: input.campaignId, results };
}

export function* campaignContactOrchestration(context: OrchestrationContext): Generator<Task, ContactResult, unknown> {
  const input = context.df.getInput<ContactInput>();
  const masked = input.contact.to.replace(/\d(?=\d{2})/g, '*');
  let last: CallFlowResult | undefined;
  for (let attempt = 1; attempt <= input.maxAttempts; attempt++) {
    const callId = `${input.campaignId}-${input.index}-${attempt}`;
    const session: CallSession = {
      callId,
      direction: 'outbound',
      callerId: input.contact.to,
      dialled: input.from,
      flowName: input.flowName,
      flow: input.flow,
      startStep: input.flow.start,
      variables: input.contact.variables ?? {},
      ringTimeoutSeconds: input.ringTimeoutSeconds,
    };
    last = (yield context.df.callSubOrchestrator(CALL_FLOW, session, callId)) as CallFlowResult;
    const unanswered =
      last.outcome === 'not-connected' &&
      'reason' in last &&
      (last.reason === 'no-answer' || last.reason === 'timeout');
    if (!unanswered) {
      return {
        index: input.index,
        to: masked,
        status: last.outcome === 'not-connected' ? 'failed' : last.outcome,
        attempts: attempt,
        lastStep: last.lastStep,
      };
    }
    if (attempt < input.maxAttempts) {
      const delayMs = input.retryDelaySeconds * 1000 * 2 ** (attempt - 1);
      yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + delayMs));
    }
  }
  return { index: input.index, to: masked, status: 'no-answer', attempts: input.maxAttempts };
}

df.app.orchestration(REMINDER_CAMPAIGN, reminderCampaignOrchestration);
df.app.orchestration(CAMPAIGN_CONTACT, campaignContactOrchestration);

const campaignBody = z.strictObject({
  flow: z.string().min(1),
  from: phone.optional(),
  contacts: z
    .array(z.strictObject({ to: phone, variables: z.record(z.string(), z.string()).optional() }))
    .min(1)
    .max(10_000),
  concurrency: z.number().int().min(1).max(100).default(5),
  maxAttempts: z.number().int().min(1).max(10).default(3),
  retryDelaySeconds: z.number().min(0.01).max(86_400).default(300),
  ringTimeoutSeconds: z.number().int().min(5).max(120).optional(),
});

// POST /api/campaigns: starts a campaign; GET /api/calls/{campaignId} is not for campaigns — poll the
// durable status URL returned here.
export async function startCampaign(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  // Up to 10,000 contacts with a few variables each.
  const parsed = parseJsonBody(await request.text(), campaignBody, 4 * 1024 * 1024);
  if (!parsed.ok) return { status: parsed.status, jsonBody: { error: parsed.error } };
  const body = parsed.value;
  const flow = getServices().flows.flows[body.flow];
  if (!flow) return { status: 404, jsonBody: { error: `No flow named "${body.flow}".` } };
  const from = callerNumberFor(flow, body.from);
  if (!from)
    return { status: 400, jsonBody: { error: `Flow "${body.flow}" has no number to call from: pass "from".` } };
  const campaignId = `campaign-${randomUUID()}`;
  const input: CampaignInput = {
    campaignId,
    flowName: body.flow,
    flow,
    from,
    contacts: body.contacts,
    concurrency: body.concurrency,
    maxAttempts: body.maxAttempts,
    retryDelaySeconds: body.retryDelaySeconds,
    ringTimeoutSeconds: body.ringTimeoutSeconds,
  };
  const client = df.getClient(context);
  await client.startNew(REMINDER_CAMPAIGN, { instanceId: campaignId, input });
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
