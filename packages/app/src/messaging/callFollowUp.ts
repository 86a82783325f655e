import { phoneNumberOf } from '../acs/identifiers';
import type { Flow } from '../flows/flowSchema';
import type { AgentMatch } from './converse';
import { fixedReply } from './fixedReplies';
import type { MessageClaims } from './messageClaims';
import type { BusinessMessage, BusinessMessageResult } from './sendBusinessMessage';

// After a call's summary: a flow with `followUp` sends the caller the summary's (already redacted)
// resolution as SMS or WhatsApp, once per call however often the summary is made again.

export interface FollowUpCall {
  /** The customer (raw id or number): the caller of an inbound call, the callee of an outbound one. */
  callerId: string;
  flow: Flow;
}

export interface FollowUpDeps {
  agent(name: string): AgentMatch | undefined;
  claims: MessageClaims;
  send(message: BusinessMessage): Promise<BusinessMessageResult>;
}

export type FollowUpOutcome =
  'not-a-call' | 'not-asked' | 'no-resolution' | 'no-number' | 'duplicate' | BusinessMessageResult['sentAs'];

export async function sendCallFollowUp(
  summary: { id: string; resolution: string },
  call: FollowUpCall | undefined,
  deps: FollowUpDeps,
): Promise<FollowUpOutcome> {
  if (!call) return 'not-a-call';
  const followUp = call.flow.followUp;
  if (!followUp) return 'not-asked';
  const resolution = summary.resolution.trim();
  if (!resolution) return 'no-resolution';
  // Flows are validated at start-up (followUp names an agent with this channel); a flow that changed
  // since the call started may not, and then there is no one to send it.
  const match = deps.agent(followUp.agent);
  if (!match) return 'not-asked';
  const to = phoneNumberOf(call.callerId);
  if (!/^\+\d{7,15}$/.test(to)) return 'no-number'; // a Teams or ACS user called: no number to text
  const result = await deps.claims.once('call-follow-up', summary.id, () =>
    deps.send({
      agent: match,
      channel: followUp.channel,
      to,
      text: fixedReply(match.agent, 'followUp', { resolution }),
    }),
  );
  return result === 'duplicate' ? result : result.sentAs;
}
