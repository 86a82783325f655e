import type { MessagingAgent } from '../flows/flowSchema';
import type { ChatModel } from './chatModel';
import {
  conversationKey,
  redactForStorage,
  type Channel,
  type ConversationState,
  type ConversationStore,
  type StoredTurn,
} from './conversationStore';
import { fixedReply } from './fixedReplies';
import { runAgent } from './runAgent';

// One inbound message on any channel, after the channel has claimed it (MessageClaims.once) and applied its
// own compliance rules: remembered (redacted), rate-limited per sender, answered by the agent, and the
// conversation exported for a summary when it is handed to a person (or when it went idle past the TTL).

/** An agent found for an inbound address. */
export interface AgentMatch {
  name: string;
  agent: MessagingAgent;
}

export interface InboundMessage {
  channel: Channel;
  messageId: string;
  /** The customer's address (phone number or ACS user); hashed into the key, never stored. */
  customer: string;
  /** The business address (number, channel id or thread id). */
  business: string;
  text: string;
  agentName: string;
  agent: MessagingAgent;
}

/** What a channel does for the conversation. */
export interface ChannelPort {
  /** Sends the agent's reply (the channel fits it to its limits). */
  send(text: string): Promise<void>;
  /** Channel-specific part of a hand-off (chat: add the person to the thread). */
  handoff?(): Promise<void>;
  /** Exports the conversation for a summary; chat exports its thread instead of the stored history. */
  export?(state: ConversationState): Promise<void>;
}

export interface ConverseDeps {
  conversations: ConversationStore;
  /** The agent's model; its modules load on first use. */
  modelFor(match: AgentMatch): Promise<ChatModel>;
  /** Writes the conversation to transcripts/ in the conversation format. */
  exportConversation(state: ConversationState, reason: 'idle' | 'handoff'): Promise<void>;
  /** Starts the agent's call-back flow to this number. */
  startCallBack(request: { to: string; flow: string; from?: string }): Promise<unknown>;
  /** Records a conversation that went idle for analytics (idempotent: keyed by its conversation id). */
  conversationEnded?(state: ConversationState): Promise<void>;
  now?: () => Date;
}

export type ConverseOutcome =
  'with-person' | 'rate-limited' | 'answered' | 'refused' | 'apologised' | 'handed-off' | 'called-back';

const DEFAULT_RATE: Record<Channel, number> = { sms: 30, whatsapp: 60, chat: 120 };
const DEFAULT_MAX_CHARS: Record<Channel, number> = { sms: 459, whatsapp: 1000, chat: 2000 };
const PHONE = /^\+[1-9]\d{6,14}$/;

export function maxCharsFor(agent: MessagingAgent, channel: Channel): number {
  if (channel === 'sms')
    return Math.min(agent.limits?.sms?.maxChars ?? 4096, (agent.limits?.sms?.maxSegments ?? 3) * 153);
  return agent.limits?.[channel]?.maxChars ?? DEFAULT_MAX_CHARS[channel];
}

function turn(role: StoredTurn['role'], text: string, at: Date): StoredTurn {
  return { role, text: redactForStorage(text), at: at.toISOString() };
}

export async function converse(msg: InboundMessage, port: ChannelPort, deps: ConverseDeps): Promise<ConverseOutcome> {
  const now = deps.now?.() ?? new Date();
  const key = conversationKey(msg.channel, msg.customer, msg.business);
  const limit = msg.agent.limits?.[msg.channel]?.perSenderPerHour ?? DEFAULT_RATE[msg.channel];
  const hour = now.toISOString().slice(0, 13);
  const customer = deps.conversations.hashCustomer(msg.customer);
  const fresh = (): ConversationState => ({
    conversationId: `${msg.channel}-${key.slice(0, 16)}-${now.toISOString().replace(/\D/g, '').slice(0, 14)}`,
    channel: msg.channel,
    agent: msg.agentName,
    ...(customer ? { customer } : {}),
    business: msg.business,
    status: 'open',
    startedAt: now.toISOString(),
    lastActivityAt: now.toISOString(),
    history: [],
    rateHour: hour,
    rateCount: 0,
    deliveryFailures: 0,
  });
  const begun = await deps.conversations.update(
    key,
    fresh,
    (state, expired) => {
      const next: ConversationState = { ...state, history: [...state.history, turn('customer', msg.text, now)] };
      next.lastActivityAt = now.toISOString();
      next.lastInboundAt = now.toISOString();
      if (next.rateHour !== hour) Object.assign(next, { rateHour: hour, rateCount: 0 });
      const verdict = state.status === 'handedOff' ? 'with-person' : next.rateCount >= limit ? 'rate-limited' : 'go';
      if (verdict === 'go') next.rateCount += 1;
      return { state: next, result: { verdict, history: state.history, expired } };
    },
    now,
  );
  if (begun.expired) {
    await deps.exportConversation(begun.expired, 'idle');
    await deps.conversationEnded?.(begun.expired);
  }
  if (begun.verdict !== 'go') return begun.verdict as 'with-person' | 'rate-limited';

  let handedOff = false;
  let calledBack = false;
  const reply = await runAgent({
    agent: msg.agent,
    model: await deps.modelFor({ name: msg.agentName, agent: msg.agent }),
    history: begun.history,
    message: msg.text,
    maxChars: maxCharsFor(msg.agent, msg.channel),
    tools: {
      handoff: async () => {
        await port.handoff?.();
        handedOff = true;
        return fixedReply(msg.agent, 'handoff');
      },
      callMeBack: async (phoneNumber) => {
        const callMeBack = msg.agent.tools?.callMeBack;
        const to = phoneNumber && PHONE.test(phoneNumber) ? phoneNumber : msg.customer;
        if (!callMeBack || !PHONE.test(to)) return fixedReply(msg.agent, 'callBackFailed');
        await deps.startCallBack({ to, flow: callMeBack.flow, from: callMeBack.from });
        calledBack = true;
        return fixedReply(msg.agent, 'callBack');
      },
    },
  });
  await port.send(reply.text);
  const after = new Date(Math.max(now.getTime() + 1, (deps.now?.() ?? new Date()).getTime()));
  const saved = await deps.conversations.update(
    key,
    fresh,
    (state) => {
      const next: ConversationState = { ...state, history: [...state.history, turn('bot', reply.text, after)] };
      next.lastActivityAt = after.toISOString();
      if (handedOff) next.status = 'handedOff';
      return { state: next, result: next };
    },
    after,
  );
  if (handedOff) await (port.export ? port.export(saved) : deps.exportConversation(saved, 'handoff'));
  if (handedOff) return 'handed-off';
  if (calledBack) return 'called-back';
  return reply.outcome;
}
