// Chat threads with their participants, messages and read receipts. Only participants see a thread.
import { randomBytes } from 'node:crypto';
import { acsErrors } from '../errors';
import type { IdentifierModel } from '../identifiers';

export interface ChatParticipantRecord {
  communicationIdentifier: IdentifierModel;
  displayName?: string;
  shareHistoryTime?: string;
  metadata?: Record<string, string>;
}

export interface ChatMessageRecord {
  id: string;
  type: string;
  sequenceId: string;
  version: string;
  content: {
    message?: string;
    topic?: string;
    participants?: ChatParticipantRecord[];
    initiatorCommunicationIdentifier?: IdentifierModel;
  };
  senderDisplayName?: string;
  createdOn: string;
  /** Absent on system messages (topicUpdated, participantAdded, participantRemoved), as in ACS. */
  senderCommunicationIdentifier?: IdentifierModel;
  editedOn?: string;
  deletedOn?: string;
  metadata?: Record<string, string>;
}

export interface ChatThread {
  id: string;
  topic: string;
  createdOn: string;
  createdBy: IdentifierModel;
  metadata?: Record<string, string>;
  participants: Map<string, ChatParticipantRecord>;
  messages: ChatMessageRecord[];
  readReceipts: Array<{ senderCommunicationIdentifier: IdentifierModel; chatMessageId: string; readOn: string }>;
  sequence: number;
  lastMessageReceivedOn?: string;
}

export class ChatStore {
  private readonly threads = new Map<string, ChatThread>();
  private lastMessageId = 0;

  create(topic: string, createdBy: IdentifierModel, metadata?: Record<string, string>): ChatThread {
    const id = `19:${randomBytes(16).toString('hex')}@thread.v2`;
    const thread: ChatThread = {
      id,
      topic,
      createdOn: new Date().toISOString(),
      createdBy,
      metadata,
      participants: new Map(),
      messages: [],
      readReceipts: [],
      sequence: 0,
    };
    this.threads.set(id, thread);
    return thread;
  }

  /** The thread if `userId` takes part in it; 404 if it does not exist, 403 if the user is not in it. */
  forUser(threadId: string, userId: string): ChatThread {
    const thread = this.threads.get(threadId);
    if (!thread) throw acsErrors.threadNotFound();
    if (!thread.participants.has(userId)) throw acsErrors.forbidden();
    return thread;
  }

  get(threadId: string): ChatThread | undefined {
    return this.threads.get(threadId);
  }

  delete(threadId: string): void {
    this.threads.delete(threadId);
  }

  listFor(userId: string): ChatThread[] {
    return [...this.threads.values()].filter((t) => t.participants.has(userId));
  }

  /** Message ids are increasing epoch-millisecond strings, as ACS's are. */
  nextMessageId(): string {
    this.lastMessageId = Math.max(Date.now(), this.lastMessageId + 1);
    return String(this.lastMessageId);
  }
}
