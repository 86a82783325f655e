import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';
import { ChatClient } from '@azure/communication-chat';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import { SmsClient } from '@azure/communication-sms';
import { CALLER, startFixture, SUPPORT_LINE, type Fixture } from './support/fixtures';

describe('SMS, Identity and Chat', () => {
  let fx: Fixture;

  before(async () => {
    fx = await startFixture({ phoneNumbers: [SUPPORT_LINE] });
  });
  after(() => fx.close());

  describe('SMS', () => {
    it('sends an SMS with 202 per recipient and a delivery report through Event Grid', async () => {
      const sms = new SmsClient(fx.acs.connectionString);
      const [result] = await sms.send(
        { from: SUPPORT_LINE, to: [CALLER], message: 'Your code is ready' },
        { enableDeliveryReport: true, tag: 'code' },
      );
      assert.equal(result?.successful, true);
      assert.equal(result?.httpStatusCode, 202);
      const report = await fx.eventGrid.waitForMatch(
        'Microsoft.Communication.SMSDeliveryReportReceived',
        (e) => e.data.messageId === result?.messageId,
      );
      assert.equal(report.data.deliveryStatus, 'Delivered');
      assert.equal(report.data.tag, 'code');
      const sent = await fx.acs.control.listSms();
      assert.ok(sent.some((m) => m.messageId === result?.messageId && m.message === 'Your code is ready'));
    });

    it('reports a failed delivery to a number that rejects', async () => {
      await fx.acs.control.configureAgent('+14255550999', { kind: 'reject' });
      const sms = new SmsClient(fx.acs.connectionString);
      const [result] = await sms.send(
        { from: SUPPORT_LINE, to: ['+14255550999'], message: 'Hello' },
        { enableDeliveryReport: true },
      );
      const report = await fx.eventGrid.waitForMatch(
        'Microsoft.Communication.SMSDeliveryReportReceived',
        (e) => e.data.messageId === result?.messageId,
      );
      assert.equal(report.data.deliveryStatus, 'Failed');
    });

    it('reports an invalid recipient per recipient, and refuses a sender the resource does not own', async () => {
      const sms = new SmsClient(fx.acs.connectionString);
      const results = await sms.send({ from: SUPPORT_LINE, to: [CALLER, '12345'], message: 'Hi' });
      assert.deepEqual(
        results.map((r) => [r.successful, r.httpStatusCode]),
        [
          [true, 202],
          [false, 400],
        ],
      );
      await assert.rejects(
        sms.send({ from: '+18005550999', to: [CALLER], message: 'Hi' }),
        (err: { statusCode?: number }) => err.statusCode === 400,
      );
    });

    it('delivers an inbound SMS from the world as SMSReceived', async () => {
      const { messageId } = await fx.acs.control.receiveSms({ from: CALLER, to: SUPPORT_LINE, message: 'STOP' });
      const received = await fx.eventGrid.waitForMatch(
        'Microsoft.Communication.SMSReceived',
        (e) => e.data.messageId === messageId,
      );
      assert.equal(received.data.message, 'STOP');
      assert.equal(received.data.from, CALLER);
      assert.equal(received.subject, `/phonenumber/${SUPPORT_LINE}`);
    });
  });

  describe('Identity', () => {
    it('creates a user and a token whose expiry the SDK decodes', async () => {
      const identity = new CommunicationIdentityClient(fx.acs.connectionString);
      const { user, token, expiresOn } = await identity.createUserAndToken(['chat', 'voip'], {
        tokenExpiresInMinutes: 60,
      });
      assert.match(user.communicationUserId, /^8:acs:/);
      assert.ok(Math.abs(expiresOn.getTime() - Date.now() - 60 * 60_000) < 60_000);
      const credential = new AzureCommunicationTokenCredential(token);
      const decoded = await credential.getToken();
      assert.ok(Math.abs(decoded.expiresOnTimestamp - expiresOn.getTime()) < 2_000);
    });

    it('issues tokens for an existing user and refuses an invalid lifetime or scope', async () => {
      const identity = new CommunicationIdentityClient(fx.acs.connectionString);
      const user = await identity.createUser();
      const token = await identity.getToken(user, ['chat']);
      assert.ok(token.token.split('.').length === 3);
      await assert.rejects(
        identity.getToken(user, ['chat'], { tokenExpiresInMinutes: 5 }),
        (err: { statusCode?: number }) => err.statusCode === 400,
      );
      await assert.rejects(
        identity.getToken(user, ['teleport' as 'chat']),
        (err: { statusCode?: number }) => err.statusCode === 400,
      );
    });

    it('deletes a user, after which it gets no tokens', async () => {
      const identity = new CommunicationIdentityClient(fx.acs.connectionString);
      const user = await identity.createUser();
      await identity.deleteUser(user);
      await assert.rejects(identity.getToken(user, ['chat']), (err: { statusCode?: number }) => err.statusCode === 404);
    });
  });

  describe('Chat', () => {
    async function chatUser(displayName: string) {
      const identity = new CommunicationIdentityClient(fx.acs.connectionString);
      const { user, token } = await identity.createUserAndToken(['chat']);
      return { user, displayName, chat: new ChatClient(fx.acs.endpoint, new AzureCommunicationTokenCredential(token)) };
    }

    it('creates a thread, exchanges messages and read receipts between two users', async () => {
      const alice = await chatUser('Alice');
      const bot = await chatUser('Bot');
      const { chatThread } = await alice.chat.createChatThread(
        { topic: 'Order 42' },
        { participants: [{ id: bot.user, displayName: 'Bot' }] },
      );
      assert.ok(chatThread?.id.startsWith('19:'));
      const aliceThread = alice.chat.getChatThreadClient(chatThread!.id);
      const { id } = await aliceThread.sendMessage({ content: 'Where is my order?' }, { senderDisplayName: 'Alice' });
      const event = await fx.eventGrid.waitForMatch(
        'Microsoft.Communication.ChatMessageReceivedInThread',
        (e) => e.data.messageId === id,
      );
      assert.equal(event.data.messageBody, 'Where is my order?');
      assert.equal(event.data.threadId, chatThread!.id);
      const botThread = bot.chat.getChatThreadClient(chatThread!.id);
      await botThread.sendMessage({ content: 'It ships today.' });
      const messages = [];
      for await (const m of botThread.listMessages()) if (m.type === 'text') messages.push(m.content?.message);
      assert.deepEqual(messages, ['It ships today.', 'Where is my order?']);
      await botThread.sendReadReceipt({ chatMessageId: id });
      const receipts = [];
      for await (const r of aliceThread.listReadReceipts()) receipts.push(r.chatMessageId);
      assert.deepEqual(receipts, [id]);
      const participants = [];
      for await (const p of aliceThread.listParticipants()) participants.push(p.displayName);
      assert.equal(participants.length, 2);
      assert.equal((await botThread.getProperties()).topic, 'Order 42');
      await aliceThread.updateTopic('Order 42 (shipped)');
      assert.equal((await botThread.getProperties()).topic, 'Order 42 (shipped)');
      assert.equal(await aliceThread.sendTypingNotification(), true);
    });

    it('pages through a long thread', async () => {
      const alice = await chatUser('Alice');
      const { chatThread } = await alice.chat.createChatThread({ topic: 'Paging' });
      const thread = alice.chat.getChatThreadClient(chatThread!.id);
      for (let i = 0; i < 7; i++) await thread.sendMessage({ content: `m${i}` });
      const pages: number[] = [];
      for await (const page of thread.listMessages({ maxPageSize: 3 }).byPage()) pages.push(page.length);
      assert.deepEqual(pages, [3, 3, 3]); // 7 messages and the 2 system messages of the thread's creation
    });

    it('writes the system messages ACS writes: topic and participants at creation, then each change', async () => {
      const alice = await chatUser('Alice');
      const bot = await chatUser('Bot');
      const { chatThread } = await alice.chat.createChatThread(
        { topic: 'Order 43' },
        { participants: [{ id: bot.user, displayName: 'Bot' }] },
      );
      const thread = alice.chat.getChatThreadClient(chatThread!.id);
      await thread.updateTopic('Order 43 (late)');
      const carol = await chatUser('Carol');
      await thread.addParticipants({ participants: [{ id: carol.user, displayName: 'Carol' }] });
      await thread.removeParticipant(carol.user);
      const messages = [];
      for await (const m of thread.listMessages()) messages.unshift(m); // oldest first
      assert.deepEqual(
        messages.map((m) => m.type),
        ['topicUpdated', 'participantAdded', 'topicUpdated', 'participantAdded', 'participantRemoved'],
      );
      assert.equal(messages[0]?.content?.topic, 'Order 43');
      assert.deepEqual(messages[1]?.content?.participants?.map((p) => p.displayName).sort(), ['Bot', undefined]);
      assert.equal(messages[2]?.content?.topic, 'Order 43 (late)');
      assert.deepEqual(
        messages[3]?.content?.participants?.map((p) => p.displayName),
        ['Carol'],
      );
      assert.deepEqual(
        messages[4]?.content?.participants?.map((p) => p.displayName),
        ['Carol'],
      );
      assert.ok(messages.every((m) => m.sender === undefined));
      assert.equal(
        (messages[0]?.content?.initiator as { communicationUserId?: string } | undefined)?.communicationUserId,
        alice.user.communicationUserId,
      );
    });

    it('keeps people out of threads they are not in, and refuses bad tokens', async () => {
      const alice = await chatUser('Alice');
      const mallory = await chatUser('Mallory');
      const { chatThread } = await alice.chat.createChatThread({ topic: 'Private' });
      await assert.rejects(
        mallory.chat.getChatThreadClient(chatThread!.id).sendMessage({ content: 'hi' }),
        (err: { statusCode?: number }) => err.statusCode === 403,
      );
      const fakeToken = [
        'eyJhbGciOiJub25lIn0',
        Buffer.from(
          JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 3600, sub: alice.user.communicationUserId }),
        ).toString('base64url'),
        '',
      ].join('.');
      const forger = new ChatClient(fx.acs.endpoint, new AzureCommunicationTokenCredential(fakeToken));
      await assert.rejects(
        forger.getChatThreadClient(chatThread!.id).sendMessage({ content: 'hi' }),
        (err: { statusCode?: number }) => err.statusCode === 401,
      );
    });

    it('refuses a revoked token', async () => {
      const identity = new CommunicationIdentityClient(fx.acs.connectionString);
      const alice = await chatUser('Alice');
      const { chatThread } = await alice.chat.createChatThread({ topic: 'Revocation' });
      await identity.revokeTokens(alice.user);
      await assert.rejects(
        alice.chat.getChatThreadClient(chatThread!.id).getProperties(),
        (err: { statusCode?: number }) => err.statusCode === 401,
      );
    });

    it('lets a chat user from the world write into a thread (control API)', async () => {
      const alice = await chatUser('Alice');
      const bot = await chatUser('Bot');
      const { chatThread } = await bot.chat.createChatThread(
        { topic: 'Support' },
        { participants: [{ id: alice.user, displayName: 'Alice' }] },
      );
      const { id } = await fx.acs.control.sendChatMessage({
        threadId: chatThread!.id,
        senderId: alice.user.communicationUserId,
        content: 'Hello?',
      });
      const toBot = await fx.eventGrid.waitForMatch(
        'Microsoft.Communication.ChatMessageReceived',
        (e) =>
          e.data.messageId === id &&
          (e.data.recipientCommunicationIdentifier as { rawId: string }).rawId === bot.user.communicationUserId,
      );
      assert.equal(toBot.data.senderDisplayName, 'Alice');
      const message = await bot.chat.getChatThreadClient(chatThread!.id).getMessage(id);
      assert.equal(message.content?.message, 'Hello?');
    });
  });
});
