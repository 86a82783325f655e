import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient, type ChatThreadClient } from '@azure/communication-chat';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import { chatIdentities } from '@switchboard/sandbox/startSandbox';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { waitFor } from '../../support/waitFor';
import { chatConversationId } from '@switchboard/app/insights/conversationFromChatExport';

describe('the chat bot', () => {
  let sb: SwitchboardSandbox;
  let bot = '';
  let agent = '';
  let thread: ChatThreadClient;
  let threadId = '';

  before(async () => {
    sb = await startSwitchboard({ acs: { timeScale: 0.05 }, parts: [chatIdentities] });
    bot = sb.appSettings.CHAT_BOT_USER_ID;
    agent = sb.appSettings.CHAT_AGENT_USER_ID;
    const identity = new CommunicationIdentityClient(sb.acs.connectionString);
    const customer = await identity.createUserAndToken(['chat']);
    const chat = new ChatClient(sb.acs.endpoint, new AzureCommunicationTokenCredential(customer.token));
    const created = await chat.createChatThread(
      { topic: 'Help' },
      {
        participants: [
          { id: { communicationUserId: customer.user.communicationUserId }, displayName: 'Customer' },
          { id: { communicationUserId: bot }, displayName: 'Contoso assistant' },
        ],
      },
    );
    threadId = created.chatThread!.id;
    thread = chat.getChatThreadClient(threadId);
  });
  after(async () => {
    await sb?.stop();
  });

  const botMessages = async () => {
    const texts: string[] = [];
    for await (const m of thread.listMessages()) {
      const sender = m.sender as { communicationUserId?: string } | undefined;
      if (m.type === 'text' && sender?.communicationUserId === bot) texts.push(m.content?.message ?? '');
    }
    return texts;
  };

  it('answers a question in the thread as its own identity', async () => {
    await thread.sendMessage({ content: 'Hi, what are your opening hours?' }, { senderDisplayName: 'Customer' });
    const replies = await waitFor(async () => ((await botMessages()).length ? botMessages() : undefined), {
      what: "the bot's reply",
    });
    assert.match(replies[0], /open Monday to Friday/);
  });

  it('hands over to a person on request, exports the thread, and it is summarised with the phone number redacted', async () => {
    await thread.sendMessage(
      { content: 'I need an agent, call me on 425 555 0199 please' },
      { senderDisplayName: 'Customer' },
    );
    const summary = await waitFor(
      async () => {
        const response = await sb.api(`/api/summaries/${chatConversationId(threadId)}`);
        return response.status === 200 ? response.text() : undefined;
      },
      { what: 'the summary of the exported thread', timeoutMs: 30_000 },
    );
    assert.ok(!summary.includes('0199'), 'the phone number is redacted');
    const participants: string[] = [];
    for await (const p of thread.listParticipants())
      participants.push((p.id as { communicationUserId: string }).communicationUserId);
    assert.ok(participants.includes(agent), 'the agent joined the thread');
    // It never answers itself: one reply per customer message, however its own messages come back as events.
    assert.equal((await botMessages()).length, 2);
  });
});
