// Chat as a customer: the console makes an ACS identity per thread, starts a thread with the app's chat bot
// (its ACS user), writes as that customer and reads the thread back, all through the official chat SDK.
import { ChatClient, type ChatThreadClient } from '@azure/communication-chat';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';
import { CommunicationIdentityClient } from '@azure/communication-identity';

export interface ChatLine {
  id: string;
  mine: boolean;
  text: string;
  time: string;
}

export class ConsoleChat {
  private readonly threads = new Map<string, { client: ChatThreadClient; customer: string }>();

  constructor(
    private readonly acsEndpoint: string,
    private readonly connectionString: string,
    private readonly botUserId: string,
  ) {}

  /** A new thread between a new customer identity and the bot. */
  async start(customerName: string): Promise<string> {
    const identity = new CommunicationIdentityClient(this.connectionString);
    const customer = await identity.createUserAndToken(['chat']);
    const chat = new ChatClient(this.acsEndpoint, new AzureCommunicationTokenCredential(customer.token));
    const created = await chat.createChatThread(
      { topic: `Chat with ${customerName}` },
      {
        participants: [
          { id: { communicationUserId: customer.user.communicationUserId }, displayName: customerName },
          { id: { communicationUserId: this.botUserId }, displayName: 'Contoso assistant' },
        ],
      },
    );
    const threadId = created.chatThread?.id;
    if (!threadId) throw new Error('The emulator created no chat thread.');
    this.threads.set(threadId, {
      client: chat.getChatThreadClient(threadId),
      customer: customer.user.communicationUserId,
    });
    return threadId;
  }

  private thread(threadId: string) {
    const thread = this.threads.get(threadId);
    if (!thread) throw new RangeError(`No chat thread ${threadId} was started here.`);
    return thread;
  }

  async send(threadId: string, text: string): Promise<void> {
    await this.thread(threadId).client.sendMessage({ content: text }, { senderDisplayName: 'Customer' });
  }

  /** The thread's text messages, oldest first. */
  async lines(threadId: string): Promise<ChatLine[]> {
    const { client, customer } = this.thread(threadId);
    const out: ChatLine[] = [];
    for await (const m of client.listMessages()) {
      if (m.type !== 'text') continue;
      const sender = (m.sender as { communicationUserId?: string } | undefined)?.communicationUserId;
      out.push({
        id: m.id,
        mine: sender === customer,
        text: m.content?.message ?? '',
        time: m.createdOn.toISOString(),
      });
    }
    return out.sort((a, b) => a.time.localeCompare(b.time));
  }
}
