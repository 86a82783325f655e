import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { callerNumberFor, parseJsonBody, phoneNumber as phone } from '../outboundRequest';
import type { FlowSet } from '../../flows/flowSchema';
import type { CampaignInput } from './reminderCampaign';

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

/** What the app keeps of one callee at most (its variables, with the call and in its status). */
export const MAX_CONTACT_BYTES = 4 * 1024;

export type CampaignRequest =
  | { ok: true; input: CampaignInput & { contacts: NonNullable<CampaignInput['contacts']> } }
  | { ok: false; status: 400 | 404 | 413; error: string };

/** The body of POST /api/campaigns as a campaign's input, or the status and error to answer with. */
export function campaignRequest(bodyText: string, flows: FlowSet): CampaignRequest {
  // Up to 10,000 contacts with a few variables each.
  const parsed = parseJsonBody(bodyText, campaignBody, 4 * 1024 * 1024);
  if (!parsed.ok) return { ok: false, status: parsed.status, error: parsed.error };
  const body = parsed.value;
  // Each callee's variables travel with its call (its orchestration's input and status): they must stay small.
  const tooBig = body.contacts.findIndex(
    (c) => Buffer.byteLength(JSON.stringify(c.variables ?? {})) > MAX_CONTACT_BYTES,
  );
  if (tooBig >= 0)
    return {
      ok: false,
      status: 413,
      error: `contacts.${tooBig}.variables: too large to keep with the call, at most ${MAX_CONTACT_BYTES} bytes.`,
    };
  const flow = flows.flows[body.flow];
  if (!flow) return { ok: false, status: 404, error: `No flow named "${body.flow}".` };
  const from = callerNumberFor(flow, body.from);
  if (!from) return { ok: false, status: 400, error: `Flow "${body.flow}" has no number to call from: pass "from".` };
  return {
    ok: true,
    input: {
      campaignId: `campaign-${randomUUID()}`,
      flowName: body.flow,
      flow,
      from,
      contacts: body.contacts,
      concurrency: body.concurrency,
      maxAttempts: body.maxAttempts,
      retryDelaySeconds: body.retryDelaySeconds,
      ringTimeoutSeconds: body.ringTimeoutSeconds,
    },
  };
}
