import { z } from 'zod';
import { ValidationError } from '@switchboard/core/errors';
import { conversationKey } from './conversationStore';
import { converse, maxCharsFor, type AgentMatch, type ConverseDeps, type ConverseOutcome } from './converse';
import { fixedReply } from './fixedReplies';
import { shorten } from './fitReply';
import type { MessageClaims } from './messageClaims';
import type { OptOutList } from './optOutList';
import { SMS_REPLIES, smsKeyword, type SmsKeyword } from './smsKeyword';
import type { WhatsAppClient } from './whatsAppClient';

// Microsoft.Communication.AdvancedMessageReceived (WhatsApp): once per message, opt-out keywords first
// (the list is per channel: a WhatsApp STOP is not an SMS STOP), media acknowledged and stored, text
// answered by the agent of the channel. Replies go out as text: the user has just written, so the
// 24-hour window is open.

const advancedMessage = z
  .object({
    messageId: z.string().min(1).optional(),
    channelKind: z.string().optional(),
    channelType: z.string().optional(),
    from: z.string().min(1),
    to: z.string().min(1),
    content: z.string().optional(),
    mediaContent: z
      .object({ mimeType: z.string().min(1), mediaId: z.string().min(1), fileName: z.string().optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();

export interface WhatsAppDeps extends ConverseDeps {
  whatsApp: WhatsAppClient;
  optOut: OptOutList;
  claims: MessageClaims;
  agentFor(channelId: string): AgentMatch | undefined;
  /** Stores a received file (blob messaging-media/). */
  storeMedia(name: string, bytes: Buffer, contentType: string): Promise<void>;
}

export type WhatsAppOutcome =
  ConverseOutcome | 'duplicate' | 'no-agent' | 'opted-out' | 'media-stored' | `keyword-${SmsKeyword}`;

/** WhatsApp senders arrive as E.164 with or without the "+"; sends and keys use the "+" form. */
function e164(from: string): string {
  return from.startsWith('+') ? from : `+${from}`;
}

export async function handleWhatsAppMessage(
  data: unknown,
  eventId: string,
  deps: WhatsAppDeps,
): Promise<WhatsAppOutcome> {
  const parsed = advancedMessage.safeParse(data);
  if (!parsed.success)
    throw new ValidationError(
      `AdvancedMessageReceived is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ')}`,
    );
  const event = parsed.data;
  const kind = (event.channelKind ?? event.channelType ?? 'whatsapp').toLowerCase();
  if (kind !== 'whatsapp') throw new ValidationError(`AdvancedMessageReceived: channel ${kind} is not supported`);
  const from = e164(event.from);
  const channelId = event.to;
  const match = deps.agentFor(channelId);
  if (!match) return 'no-agent';
  const optOutKey = `whatsapp:${from}`;
  // Event Grid keeps an event's id across redeliveries; the message id also catches a second event.
  return deps.claims.once('whatsapp', event.messageId ?? eventId, async (): Promise<WhatsAppOutcome> => {
    const say = async (text: string) => {
      if (await deps.optOut.isOptedOut(optOutKey)) return;
      await deps.whatsApp.sendText(channelId, from, shorten(text, maxCharsFor(match.agent, 'whatsapp')));
    };
    const keyword = event.content && !event.mediaContent ? smsKeyword(event.content) : 'none';
    if (keyword !== 'none') {
      if (keyword === 'stop') {
        await deps.whatsApp.sendText(channelId, from, SMS_REPLIES.stop);
        await deps.optOut.optOut(optOutKey);
      } else {
        if (keyword === 'start') await deps.optOut.optIn(optOutKey);
        await say(SMS_REPLIES[keyword]);
      }
      return `keyword-${keyword}`;
    }
    if (await deps.optOut.isOptedOut(optOutKey)) return 'opted-out';
    if (event.mediaContent) {
      const media = await deps.whatsApp.downloadMedia(event.mediaContent.mediaId);
      const key = conversationKey('whatsapp', from, channelId).slice(0, 16);
      await deps.storeMedia(`${key}/${event.mediaContent.mediaId}`, media.bytes, media.contentType);
      await say(fixedReply(match.agent, 'mediaReceived'));
      return 'media-stored';
    }
    return converse(
      {
        channel: 'whatsapp',
        messageId: event.messageId ?? eventId,
        customer: from,
        business: channelId,
        text: event.content ?? '',
        agentName: match.name,
        agent: match.agent,
      },
      { send: say },
      deps,
    );
  });
}
