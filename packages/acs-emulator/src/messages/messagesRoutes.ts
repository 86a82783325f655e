// Advanced Messaging REST (what @azure-rest/communication-messages calls, HMAC): send notifications and
// download received media; plus what a WhatsApp user does (control API). ACS accepts a send (202) and
// reports the outcome later as AdvancedMessageDeliveryStatusUpdated, as WhatsApp decides it: free-form
// messages outside the 24-hour window fail with WhatsApp's 131047, unknown templates with 132001, wrong
// parameter counts with 132000.
import { randomUUID } from 'node:crypto';
import type { AcsContext } from '../context';
import { acsErrors } from '../errors';
import { isE164 } from '../identifiers';
import { route, type RequestContext, type Route } from '../http/router';
import type { AdvancedMessageRecord, ApprovedTemplate } from './messagesStore';

const STATUS_DELAY_MS = 500;
const MAX_TEXT = 4096;
const KINDS = ['text', 'template', 'image', 'image_v0', 'document', 'video', 'audio'];

type Failure = { channelCode: string; channelMessage: string };

const OUTSIDE_WINDOW: Failure = {
  channelCode: '131047',
  channelMessage: 'Re-engagement message: more than 24 hours have passed since the recipient last replied.',
};

function templateFailure(template: unknown, approved: ApprovedTemplate[]): Failure | undefined {
  const t = (template ?? {}) as {
    name?: unknown;
    language?: unknown;
    values?: { name?: unknown; kind?: unknown }[];
    bindings?: { kind?: unknown; body?: { refValue?: unknown }[] };
  };
  const match = approved.find((a) => a.name === t.name && a.language === t.language);
  if (!match) return { channelCode: '132001', channelMessage: 'Template name does not exist in the translation.' };
  const names = new Set((t.values ?? []).map((v) => v.name));
  const body = t.bindings?.body ?? [];
  if (body.length !== match.bodyParameters || body.some((b) => !names.has(b.refValue)))
    return {
      channelCode: '132000',
      channelMessage: 'Number of parameters does not match the expected number of params.',
    };
  return undefined;
}

function renderTemplate(template: unknown, approved: ApprovedTemplate[]): string {
  const t = template as {
    name: string;
    language: string;
    values?: { name: string; text?: string }[];
    bindings?: { body?: { refValue: string }[] };
  };
  const match = approved.find((a) => a.name === t.name && a.language === t.language);
  const values = new Map((t.values ?? []).map((v) => [v.name, v.text ?? '']));
  return (match?.body ?? '').replace(/\{\{(\d+)\}\}/g, (_, n: string) => {
    const ref = t.bindings?.body?.[Number(n) - 1]?.refValue;
    return ref ? (values.get(ref) ?? '') : '';
  });
}

function publishStatus(ctx: AcsContext, record: AdvancedMessageRecord): void {
  ctx.eventGrid.publish(
    'Microsoft.Communication.AdvancedMessageDeliveryStatusUpdated',
    `advancedMessage/${record.messageId}/recipient/${record.user}`,
    {
      messageId: record.messageId,
      status: record.status,
      channelKind: 'whatsapp',
      from: record.channelRegistrationId,
      to: record.user,
      receivedTimestamp: new Date().toISOString(),
      ...(record.error ? { error: record.error } : {}),
    },
  );
}

function send(ctx: AcsContext, req: RequestContext) {
  const body = req.body;
  const channel = body.channelRegistrationId;
  if (typeof channel !== 'string' || !channel) throw acsErrors.invalidBody("'channelRegistrationId' is required.");
  const approved = ctx.messages.channels.get(channel);
  if (!approved) throw acsErrors.invalidBody('The channelRegistrationId is not registered to this resource.');
  const to = body.to;
  if (!Array.isArray(to) || to.length !== 1) throw acsErrors.invalidBody("'to' must list exactly one recipient.");
  if (!isE164(to[0])) throw acsErrors.invalidBody("'to' must be a phone number in E.164 format.");
  const user: string = to[0];
  const kind = typeof body.kind === 'string' ? body.kind : '';
  if (!KINDS.includes(kind)) throw acsErrors.invalidBody(`'kind' must be one of ${KINDS.join(', ')}.`);
  if (kind === 'text' && (typeof body.content !== 'string' || !body.content))
    throw acsErrors.invalidBody("'content' is required for a text message.");
  if (kind === 'text' && (body.content as string).length > MAX_TEXT)
    throw acsErrors.invalidBody(`'content' is longer than ${MAX_TEXT} characters.`);
  if (kind === 'template' && (typeof body.template !== 'object' || body.template === null))
    throw acsErrors.invalidBody("'template' is required for a template message.");
  if (kind !== 'text' && kind !== 'template' && typeof body.mediaUri !== 'string')
    throw acsErrors.invalidBody("'mediaUri' is required for a media message.");

  const failure =
    kind === 'template'
      ? templateFailure(body.template, approved)
      : ctx.messages.windowOpen(channel, user, Date.now())
        ? undefined
        : OUTSIDE_WINDOW;
  const record: AdvancedMessageRecord = {
    messageId: randomUUID(),
    direction: 'outbound',
    channelRegistrationId: channel,
    user,
    kind,
    content:
      kind === 'template' && !failure
        ? renderTemplate(body.template, approved)
        : typeof body.content === 'string'
          ? body.content
          : undefined,
    template: kind === 'template' ? String((body.template as { name?: unknown }).name) : undefined,
    status: 'accepted',
    time: new Date().toISOString(),
  };
  ctx.messages.messages.push(record);
  ctx.timeline.add({ kind: 'world', type: 'advancedMessageSent', data: { messageId: record.messageId } });
  ctx.scheduler.after(STATUS_DELAY_MS, () => {
    if (failure) {
      record.status = 'failed';
      record.error = failure;
      publishStatus(ctx, record);
      return;
    }
    record.status = 'sent';
    publishStatus(ctx, record);
    ctx.scheduler.after(STATUS_DELAY_MS, () => {
      record.status = 'delivered';
      publishStatus(ctx, record);
    });
  });
  return { status: 202, body: { receipts: [{ messageId: record.messageId, to: user }] } };
}

export function messagesRoutes(ctx: AcsContext): Route[] {
  return [
    route('POST', /^\/messages\/notifications:send$/, 'hmac', 'sendMessage', (req) => send(ctx, req)),
    route('GET', /^\/messages\/streams\/([^/]+)$/, 'hmac', 'downloadMedia', (req) => {
      const media = ctx.messages.getMedia(req.params[0]);
      if (!media) throw acsErrors.mediaNotFound();
      return { status: 200, body: media.bytes, headers: { 'content-type': media.mimeType } };
    }),
  ];
}

/** A WhatsApp user writes to a channel (text, or media with an optional caption): AdvancedMessageReceived. */
export function receiveAdvancedMessage(
  ctx: AcsContext,
  input: {
    from: string;
    channelRegistrationId: string;
    content?: string;
    media?: { mimeType: string; data: Buffer; fileName?: string };
  },
): string {
  if (!isE164(input.from)) throw acsErrors.invalidPhoneNumber('from');
  if (!ctx.messages.channels.has(input.channelRegistrationId))
    throw acsErrors.invalidBody('The channelRegistrationId is not registered to this resource.');
  if (!input.content && !input.media) throw acsErrors.invalidBody("'content' or 'media' is required.");
  const messageId = randomUUID();
  const now = new Date();
  ctx.messages.userWrote(input.channelRegistrationId, input.from, now.getTime());
  let mediaContent: Record<string, string> | undefined;
  if (input.media) {
    const mediaId = randomUUID();
    ctx.messages.putMedia(mediaId, input.media.mimeType, input.media.data);
    mediaContent = {
      mimeType: input.media.mimeType,
      mediaId,
      ...(input.media.fileName ? { fileName: input.media.fileName } : {}),
      ...(input.content ? { caption: input.content } : {}),
    };
  }
  const messageType = input.media ? mediaType(input.media.mimeType) : 'text';
  ctx.messages.messages.push({
    messageId,
    direction: 'inbound',
    channelRegistrationId: input.channelRegistrationId,
    user: input.from,
    kind: messageType,
    content: input.content,
    mediaId: mediaContent?.mediaId,
    status: 'received',
    time: now.toISOString(),
  });
  ctx.eventGrid.publish(
    'Microsoft.Communication.AdvancedMessageReceived',
    `advancedMessage/sender/${input.from}/recipient/${input.channelRegistrationId}`,
    {
      messageId,
      channelKind: 'whatsapp',
      messageType,
      from: input.from,
      to: input.channelRegistrationId,
      receivedTimestamp: now.toISOString(),
      ...(input.content && !input.media ? { content: input.content } : {}),
      ...(mediaContent ? { mediaContent } : {}),
    },
  );
  return messageId;
}

function mediaType(mimeType: string): string {
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('video/')) return 'video';
  if (mimeType.startsWith('audio/')) return 'audio';
  return 'document';
}
