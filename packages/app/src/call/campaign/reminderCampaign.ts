import type { OrchestrationContext, Task } from 'durable-functions';
import type { Flow } from '../../flows/flowSchema';
import { createCallSession } from '../callSession';
import { CampaignActivityNames, OrchestrationNames } from '../names';
import type { CallFlowResult, ConnectTimings } from '../types';
import type { StoredContact } from './campaignContacts';

// A reminder campaign: calls a list of contacts with a flow, a bounded number at a time, retrying
// callees who do not answer with exponential backoff, and reports one result per contact.

export interface CampaignInput {
  campaignId: string;
  flowName: string;
  flow: Flow;
  from: string;
  /**
   * How many callees the campaign has: they are kept outside its input, one row each (campaignContacts.ts), `to`
   * sealed (calls/sealedValues.ts). A campaign started before they were (or a test) lists them in `contacts`.
   */
  contactCount?: number;
  contacts?: { to: string; masked?: string; variables?: Record<string, string> }[];
  concurrency: number;
  maxAttempts: number;
  retryDelaySeconds: number;
  ringTimeoutSeconds?: number;
  /** The app's config.callConnect when the campaign started. */
  connect?: ConnectTimings;
}

interface ContactInput extends Omit<CampaignInput, 'contacts' | 'contactCount' | 'concurrency'> {
  index: number;
  /** Absent when the contact is kept outside the input (read by the campaign.contact activity). */
  contact?: NonNullable<CampaignInput['contacts']>[number];
}

/** campaign.contact: the contact's kept row. */
export interface CampaignContactInput {
  campaignId: string;
  index: number;
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
  const total = input.contacts?.length ?? input.contactCount ?? 0;
  for (let index = 0; index < total; index++) {
    if (running.length >= input.concurrency) {
      const winner = (yield context.df.Task.any(running.map((r) => r.task))) as Task;
      settle(running.find((r) => r.task === winner)!);
    }
    const { contacts, contactCount: _count, concurrency: _concurrency, ...shared } = input;
    const contactInput: ContactInput = { ...shared, index, ...(contacts ? { contact: contacts[index] } : {}) };
    running.push({
      index,
      task: context.df.callSubOrchestrator(
        OrchestrationNames.campaignContact,
        contactInput,
        `${input.campaignId}:contact-${index}`,
      ),
    });
    context.df.setCustomStatus({
      started: index + 1,
      finished: results.filter(Boolean).length,
      total,
    });
  }
  yield context.df.Task.all(running.map((r) => r.task));
  for (const entry of [...running]) settle(entry);
  if (!input.contacts) {
    const forget: CampaignContactInput = { campaignId: input.campaignId, index: -1 };
    yield context.df.callActivity(CampaignActivityNames.forgetContacts, forget);
  }
  return { campaignId: input.campaignId, results };
}

export function* campaignContactOrchestration(context: OrchestrationContext): Generator<Task, ContactResult, unknown> {
  const input = context.df.getInput<ContactInput>();
  const read: CampaignContactInput = { campaignId: input.campaignId, index: input.index };
  const contact =
    input.contact ?? ((yield context.df.callActivity(CampaignActivityNames.contact, read)) as StoredContact);
  const masked = contact.masked ?? maskNumber(contact.to);
  let last: CallFlowResult | undefined;
  for (let attempt = 1; attempt <= input.maxAttempts; attempt++) {
    const callId = `${input.campaignId}-${input.index}-${attempt}`;
    const session = createCallSession({
      callId,
      direction: 'outbound',
      callerId: contact.to,
      dialled: input.from,
      flowName: input.flowName,
      flow: input.flow,
      variables: contact.variables,
      ringTimeoutSeconds: input.ringTimeoutSeconds,
      connect: input.connect,
    });
    last = (yield context.df.callSubOrchestrator(OrchestrationNames.callFlow, session, callId)) as CallFlowResult;
    const unanswered =
      last.outcome === 'not-connected' &&
      'reason' in last &&
      (last.reason === 'no-answer' || last.reason === 'timeout' || last.reason === 'ended');
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

/** A number with all but its last two digits masked, as results report callees. */
export function maskNumber(number: string): string {
  return number.replace(/\d(?=\d{2})/g, '*');
}
