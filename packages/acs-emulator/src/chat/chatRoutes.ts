// Chat REST routes (bearer user tokens): threads, participants, messages, read receipts, typing.
import { randomUUID } from 'node:crypto';
import type { AcsContext } from '../context';
import { acsErrors } from '../errors';
import { parseIdentifier, userIdentifier } from '../identifiers';
import { route, type RequestContext, type Route } from '../http/router';
import type { ChatMessageRecord, ChatParticipantRecord, ChatThread } from './chatStore';

const THREAD = '/chat/threads/([^/]+)';

function participantsOf(raw: unknown, field: string): ChatParticipantRecord[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw acsErrors.invalidBody(`'${field}' must be a list.`);
  return raw.map((p, i) => {
    const item = (p ?? {}) as Record<string, unknown>;
    return {
      communicationIdentifier: parseIdentifier(item.communicationIdentifier, `${field}[${i}].communicationIdentifier`),
      displayName: typeof item.displayName === 'string' ? item.displayName : undefined,
      shareHistoryTime: typeof item.shareHistoryTime === 'string' ? item.shareHistoryTime : undefined,
    };
  });
}

function threadProperties(thread: ChatThread): Record<string, unknown> {
  return {
    id: thread.id,
    topic: thread.topic,
    createdOn: thread.createdOn,
    createdByCommunicationIdentifier: thread.createdBy,
    metadata: thread.metadata,
  };
}

export function sendChatMessage(
  ctx: AcsContext,
  thread: ChatThread,
  senderId: string,
  content: string,
  options: { senderDisplayName?: string; type?: string; metadata?: Record<string, string> } = {},
): ChatMessageRecord {
  const id = ctx.chats.nextMessageId();
  const sender = userIdentifier(senderId);
  const senderDisplayName = options.senderDisplayName ?? thread.participants.get(senderId)?.displayName;
  const message: ChatMessageRecord = {
    id,
    type: options.type ?? 'text',
    sequenceId: String(++thread.sequence),
    version: id,
    content: { message: content },
    senderDisplayName,
    createdOn: new Date().toISOString(),
    senderCommunicationIdentifier: sender,
    metadata: options.metadata,
  };
  thread.messages.push(message);
  thread.lastMessageReceivedOn = message.createdOn;
  const base = {
    messageBody: content,
    metadata: options.metadata ?? {},
    messageId: id,
    senderCommunicationIdentifier: sender,
    senderDisplayName: senderDisplayName ?? '',
    composeTime: message.createdOn,
    type: message.type === 'html' ? 'Html' : 'Text',
    version: Number(id),
    transactionId: randomUUID(),
    threadId: thread.id,
  };
  ctx.eventGrid.publish(
    'Microsoft.Communication.ChatMessageReceivedInThread',
    `thread/${thread.id}/sender/${sender.rawId}`,
    base,
  );
  for (const participant of thread.participants.values()) {
    const recipient = participant.communicationIdentifier;
    if (recipient.rawId === sender.rawId) continue;
    ctx.eventGrid.publish(
      'Microsoft.Communication.ChatMessageReceived',
      `thread/${thread.id}/sender/${sender.rawId}/recipient/${recipient.rawId}`,
      {
        ...base,
        recipientCommunicationIdentifier: recipient,
        transactionId: randomUUID(),
      },
    );
  }
  return message;
}

/**
 * The system messages ACS writes into a thread itself (no sender): `topicUpdated` when a thread is created or
 * renamed, `participantAdded` / `participantRemoved` when its membership changes.
 */
function systemMessage(
  ctx: AcsContext,
  thread: ChatThread,
  type: 'topicUpdated' | 'participantAdded' | 'participantRemoved',
  initiator: string,
  content: { topic?: string; participants?: ChatParticipantRecord[] },
): void {
  const id = ctx.chats.nextMessageId();
  thread.messages.push({
    id,
    type,
    sequenceId: String(++thread.sequence),
    version: id,
    content: { ...content, initiatorCommunicationIdentifier: userIdentifier(initiator) },
    createdOn: new Date().toISOString(),
  });
}

export function chatRoutes(ctx: AcsContext): Route[] {
  const chats = ctx.chats;
  const thread = (req: RequestContext): ChatThread => chats.forUser(req.params[0], req.userId!);
  const message = (t: ChatThread, id: string): ChatMessageRecord => {
    const m = t.messages.find((x) => x.id === id && !x.deletedOn);
    if (!m) throw acsErrors.messageNotFound();
    return m;
  };
  return [
    route('POST', /^\/chat\/threads$/, 'user', 'createChatThread', (req) => {
      const topic = req.body.topic;
      if (typeof topic !== 'string' || !topic) throw acsErrors.invalidBody("'topic' is required.");
      const creator = userIdentifier(req.userId!);
      const participants = participantsOf(req.body.participants, 'participants');
      const t = chats.create(topic, creator, req.body.metadata as Record<string, string> | undefined);
      const invalidParticipants: unknown[] = [];
      t.participants.set(creator.rawId, { communicationIdentifier: creator });
      for (const p of participants) {
        if (
          p.communicationIdentifier.kind === 'communicationUser' &&
          !ctx.identities.exists(p.communicationIdentifier.rawId)
        ) {
          invalidParticipants.push({
            code: '404',
            message: 'Identity not found.',
            target: p.communicationIdentifier.rawId,
          });
          continue;
        }
        t.participants.set(p.communicationIdentifier.rawId, p);
      }
      systemMessage(ctx, t, 'topicUpdated', req.userId!, { topic });
      systemMessage(ctx, t, 'participantAdded', req.userId!, { participants: [...t.participants.values()] });
      return {
        status: 201,
        body: {
          chatThread: threadProperties(t),
          invalidParticipants: invalidParticipants.length ? invalidParticipants : undefined,
        },
      };
    }),
    route('GET', /^\/chat\/threads$/, 'user', 'listChatThreads', (req) => ({
      status: 200,
      body: {
        value: chats
          .listFor(req.userId!)
          .map((t) => ({ id: t.id, topic: t.topic, lastMessageReceivedOn: t.lastMessageReceivedOn })),
      },
    })),
    route('GET', new RegExp(`^${THREAD}$`), 'user', 'getChatThreadProperties', (req) => ({
      status: 200,
      body: threadProperties(thread(req)),
    })),
    route('PATCH', new RegExp(`^${THREAD}$`), 'user', 'updateChatThread', (req) => {
      const t = thread(req);
      if (typeof req.body.topic === 'string' && req.body.topic !== t.topic) {
        t.topic = req.body.topic;
        systemMessage(ctx, t, 'topicUpdated', req.userId!, { topic: t.topic });
      }
      if (req.body.metadata && typeof req.body.metadata === 'object')
        t.metadata = req.body.metadata as Record<string, string>;
      return { status: 204 };
    }),
    route('DELETE', new RegExp(`^${THREAD}$`), 'user', 'deleteChatThread', (req) => {
      chats.delete(thread(req).id);
      return { status: 204 };
    }),
    route('POST', new RegExp(`^${THREAD}/messages$`), 'user', 'sendChatMessage', (req) => {
      const t = thread(req);
      const content = req.body.content;
      if (typeof content !== 'string' || !content) throw acsErrors.invalidBody("'content' is required.");
      const m = sendChatMessage(ctx, t, req.userId!, content, {
        senderDisplayName: typeof req.body.senderDisplayName === 'string' ? req.body.senderDisplayName : undefined,
        type: typeof req.body.type === 'string' ? req.body.type : 'text',
        metadata: req.body.metadata as Record<string, string> | undefined,
      });
      return { status: 201, body: { id: m.id } };
    }),
    route('GET', new RegExp(`^${THREAD}/messages$`), 'user', 'listChatMessages', (req) => {
      const t = thread(req);
      const pageSize = Math.max(1, Number(req.url.searchParams.get('maxPageSize') ?? 200));
      const skip = Math.max(0, Number(req.url.searchParams.get('skip') ?? 0));
      const since = req.url.searchParams.get('startTime');
      const all = t.messages
        .filter((m) => !m.deletedOn && (!since || m.createdOn >= since))
        .slice()
        .reverse(); // newest first, as ACS lists them
      const page = all.slice(skip, skip + pageSize);
      const next = skip + pageSize < all.length ? new URL(req.url.pathname, ctx.endpoint) : undefined;
      if (next) {
        next.searchParams.set('api-version', req.url.searchParams.get('api-version') ?? '2025-03-15');
        next.searchParams.set('maxPageSize', String(pageSize));
        next.searchParams.set('skip', String(skip + pageSize));
      }
      return { status: 200, body: { value: page, nextLink: next?.toString() } };
    }),
    route('GET', new RegExp(`^${THREAD}/messages/([^/]+)$`), 'user', 'getChatMessage', (req) => ({
      status: 200,
      body: message(thread(req), req.params[1]),
    })),
    route('PATCH', new RegExp(`^${THREAD}/messages/([^/]+)$`), 'user', 'updateChatMessage', (req) => {
      const m = message(thread(req), req.params[1]);
      if (m.senderCommunicationIdentifier?.rawId !== req.userId) throw acsErrors.forbidden();
      if (typeof req.body.content === 'string') m.content = { message: req.body.content };
      m.editedOn = new Date().toISOString();
      return { status: 204 };
    }),
    route('DELETE', new RegExp(`^${THREAD}/messages/([^/]+)$`), 'user', 'deleteChatMessage', (req) => {
      const m = message(thread(req), req.params[1]);
      if (m.senderCommunicationIdentifier?.rawId !== req.userId) throw acsErrors.forbidden();
      m.deletedOn = new Date().toISOString();
      return { status: 204 };
    }),
    route('GET', new RegExp(`^${THREAD}/participants$`), 'user', 'listChatParticipants', (req) => ({
      status: 200,
      body: { value: [...thread(req).participants.values()] },
    })),
    route('POST', new RegExp(`^${THREAD}/participants/:add$`), 'user', 'addChatParticipants', (req) => {
      const t = thread(req);
      const added = participantsOf(req.body.participants, 'participants');
      for (const p of added) t.participants.set(p.communicationIdentifier.rawId, p);
      if (added.length) systemMessage(ctx, t, 'participantAdded', req.userId!, { participants: added });
      return { status: 201, body: {} };
    }),
    route('POST', new RegExp(`^${THREAD}/participants/:remove$`), 'user', 'removeChatParticipant', (req) => {
      const t = thread(req);
      const who = parseIdentifier(req.body, 'communicationIdentifier');
      const removed = t.participants.get(who.rawId);
      t.participants.delete(who.rawId);
      if (removed) systemMessage(ctx, t, 'participantRemoved', req.userId!, { participants: [removed] });
      return { status: 204 };
    }),
    route('POST', new RegExp(`^${THREAD}/readReceipts$`), 'user', 'sendChatReadReceipt', (req) => {
      const t = thread(req);
      const id = req.body.chatMessageId;
      if (typeof id !== 'string') throw acsErrors.invalidBody("'chatMessageId' is required.");
      message(t, id);
      t.readReceipts.push({
        senderCommunicationIdentifier: userIdentifier(req.userId!),
        chatMessageId: id,
        readOn: new Date().toISOString(),
      });
      return { status: 200 };
    }),
    route('GET', new RegExp(`^${THREAD}/readReceipts$`), 'user', 'listChatReadReceipts', (req) => ({
      status: 200,
      body: { value: thread(req).readReceipts },
    })),
    route('POST', new RegExp(`^${THREAD}/typing$`), 'user', 'sendTypingNotification', (req) => {
      thread(req);
      return { status: 200 };
    }),
  ];
}
