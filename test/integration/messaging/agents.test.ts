import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import createMessagesClient from '@azure-rest/communication-messages';
import { BlobServiceClient } from '@azure/storage-blob';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { waitFor } from '../../support/waitFor';
import { fixture } from '../../support/paths';
import { callIdFor } from '@switchboard/app/call/callIdFor';

// The messaging agent with the local (offline) provider, driven as customers would: texts and WhatsApp
// messages into the ACS emulator, replies read back from what the emulator sent.

const LINE = '+18005550800';

describe('the messaging agent over SMS and WhatsApp (local provider)', () => {
  let sb: SwitchboardSandbox;

  before(async () => {
    sb = await startSwitchboard({ acs: { timeScale: 0.05, ringTimeoutMs: 20_000, answerDelayMs: 100 } });
  });
  after(async () => {
    await sb?.stop();
  });

  const smsTo = async (number: string) =>
    (await sb.acs.control.listSms()).filter((m) => m.direction === 'outbound' && m.to === number);
  const text = (from: string, message: string, deliveries?: number) =>
    sb.acs.control.receiveSms({ from, to: LINE, message, deliveries });
  const whatsAppTo = async (user: string) =>
    (await sb.acs.control.listWhatsApp()).filter((m) => m.direction === 'outbound' && m.user === user);
  const SMS_RECEIVED = 'Microsoft.Communication.SMSReceived';
  /** Deliveries of this event type the app has answered 2xx (it has finished handling them). */
  const delivered = async (type: string) =>
    (await sb.acs.control.timeline({ kind: 'eventGridDelivery', type })).filter(
      (e) => (e.data as { delivered?: boolean } | undefined)?.delivered,
    ).length;
  /** Texts the line and waits until the app has handled every delivery of the message. */
  const textAndWait = async (from: string, message: string, deliveries = 1) => {
    const before = await delivered(SMS_RECEIVED);
    await text(from, message, deliveries);
    await waitFor(async () => (await delivered(SMS_RECEIVED)) >= before + deliveries || undefined, {
      what: 'the app to handle the message',
      timeoutMs: 30_000,
    });
  };
  const blobs = () => BlobServiceClient.fromConnectionString(sb.azurite.connectionString);

  it('answers an SMS question from the FAQ', async () => {
    await text('+14255550401', 'Hi, when are you open on Saturday?');
    const [reply] = await waitFor(
      async () => ((await smsTo('+14255550401')).length ? smsTo('+14255550401') : undefined),
      {
        what: 'the agent reply',
      },
    );
    assert.match(reply.message, /Saturday 9am to 1pm/);
    assert.equal(reply.from, LINE);
  });

  it('answers one of 20 duplicate deliveries of the same SMS exactly once', async () => {
    const customer = '+14255550402';
    await textAndWait(customer, 'How do I get a refund?', 20);
    const replies = await smsTo(customer);
    assert.equal(replies.length, 1, `expected one reply, got ${replies.length}`);
    assert.match(replies[0].message, /Refunds go back to your card/);
  });

  it('sends nothing after STOP, and answers again after START', async () => {
    const customer = '+14255550403';
    await text(customer, 'STOP');
    await waitFor(async () => (await smsTo(customer)).some((m) => /unsubscribed/.test(m.message)), {
      what: 'the STOP confirmation',
    });
    await textAndWait(customer, 'What are your opening hours?');
    assert.equal((await smsTo(customer)).length, 1, 'only the STOP confirmation was sent');

    await text(customer, 'START');
    await waitFor(async () => (await smsTo(customer)).some((m) => /subscribed again/.test(m.message)), {
      what: 'the START confirmation',
    });
    await text(customer, 'What are your opening hours?');
    await waitFor(async () => (await smsTo(customer)).some((m) => /open Monday to Friday/.test(m.message)), {
      what: 'the answer after START',
    });
  });

  it('stops answering a sender past the per-hour limit (a loop with another bot ends)', async () => {
    const bot = '+14255550404';
    for (let i = 0; i < 7; i++) await textAndWait(bot, `Auto-reply ${i}: how do I change my address?`);
    assert.equal((await smsTo(bot)).length, 5, 'the definition allows 5 replies per hour');
  });

  it('answers a WhatsApp user in the 24-hour window, and acknowledges and stores a photo', async () => {
    const user = '+14255550406';
    await sb.acs.control.writeWhatsApp({ from: user, content: 'How do I change my address?' });
    const [reply] = await waitFor(async () => ((await whatsAppTo(user)).length ? whatsAppTo(user) : undefined), {
      what: 'the WhatsApp reply',
    });
    assert.equal(reply.kind, 'text');
    assert.match(reply.content ?? '', /under Profile/);
    await waitFor(async () => (await whatsAppTo(user)).every((m) => m.status === 'delivered') || undefined, {
      what: 'delivery',
    });

    await sb.acs.control.writeWhatsApp({
      from: user,
      media: { mimeType: 'image/jpeg', data: Buffer.from('fake jpeg bytes').toString('base64'), fileName: 'bill.jpg' },
    });
    await waitFor(async () => (await whatsAppTo(user)).some((m) => /received your file/.test(m.content ?? '')), {
      what: 'the media acknowledgement',
    });
    const stored: string[] = [];
    for await (const blob of blobs().getContainerClient('messaging-media').listBlobsFlat()) stored.push(blob.name);
    assert.equal(stored.length, 1, 'the photo is stored in messaging-media/');
  });

  it('sends a business-initiated WhatsApp message outside the window as the template; free text there fails', async () => {
    const user = '+14255550407';
    const response = await sb.api('/api/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agent: 'care', channel: 'whatsapp', to: user, text: 'Your refund was approved.' }),
    });
    assert.equal(response.status, 202);
    assert.equal(((await response.json()) as { sentAs: string }).sentAs, 'template');
    const [sent] = await waitFor(
      async () => ((await whatsAppTo(user)).some((m) => m.status === 'delivered') ? whatsAppTo(user) : undefined),
      { what: 'the template delivered' },
    );
    assert.equal(sent.template, 'contoso_follow_up');
    assert.match(sent.content ?? '', /Your refund was approved/);

    // What the app avoided: free text to a user outside the window is refused by WhatsApp, as ACS reports it.
    const client = createMessagesClient(sb.acs.connectionString);
    const free = await client.path('/messages/notifications:send').post({
      body: {
        channelRegistrationId: '5f5b2a0e-8c6b-4b7a-9a43-0b7c2f1d9e11',
        to: ['+14255550408'],
        kind: 'text',
        content: 'Hello!',
      },
    });
    assert.equal(free.status, '202');
    const failed = await waitFor(async () => (await whatsAppTo('+14255550408')).find((m) => m.status === 'failed'), {
      what: 'the free-text message to fail',
    });
    assert.equal(failed.error?.channelCode, '131047');
  });

  it('sends a business message only for a token with the Messages.Send role, and only to allowed numbers', async () => {
    const send = (to: string, token?: string) =>
      fetch(`${sb.host.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ agent: 'care', channel: 'sms', to, text: 'Your refund was approved.' }),
      });
    assert.equal((await send('+14255550410')).status, 401, 'no token');
    const callsOnly = await sb.entra.token({ roles: ['Calls.Place', 'Calls.Read'] });
    assert.equal((await send('+14255550410', callsOnly)).status, 403, 'a token without Messages.Send');
    const abroad = await send('+493012345678', await sb.entra.token());
    assert.equal(abroad.status, 403, 'a number outside OUTBOUND_ALLOWED_PREFIXES');
    assert.match(((await abroad.json()) as { error: string }).error, /OUTBOUND_ALLOWED_PREFIXES/);
    assert.deepEqual(await smsTo('+14255550410'), [], 'nothing was sent');
    assert.deepEqual(await smsTo('+493012345678'), [], 'nothing was sent abroad');
  });

  it("texts a caller their call summary's resolution when the call's flow asks for a follow-up", async () => {
    const caller = '+14255550411';
    const call = await sb.acs.control.placeCall({ from: caller, to: '+18005550801' });
    const callId = callIdFor(call.serverCallId);
    await waitFor(
      async () => {
        const response = await sb.api(`/api/calls/${callId}`);
        return response.ok && ((await response.json()) as { state: string }).state === 'Completed' ? true : undefined;
      },
      { what: 'the call to end' },
    );
    // The call's transcript, as the recording path or the media bridge writes it: transcripts/{callId}.json.
    const transcript = JSON.parse(readFileSync(fixture('transcripts', 'call-002-card-update.json'), 'utf8')) as {
      id: string;
    };
    const body = JSON.stringify({ ...transcript, id: callId });
    const transcripts = blobs().getContainerClient('transcripts');
    await transcripts.createIfNotExists();
    await transcripts.getBlockBlobClient(`${callId}.json`).upload(body, Buffer.byteLength(body));

    const [followUp] = await waitFor(async () => ((await smsTo(caller)).length ? smsTo(caller) : undefined), {
      what: 'the follow-up SMS',
      timeoutMs: 60_000,
    });
    assert.equal(followUp.from, LINE, "sent from the agent's number");
    assert.equal(
      followUp.message,
      "About your call with us: The card has been updated and I've waived the late fee of fifteen dollars.",
    );
  });

  it('hands an SMS conversation to a person and summarises it with the phone number redacted', async () => {
    const customer = '+14255550409';
    await text(customer, 'My bill is wrong, you can reach me on 425 555 0177');
    await waitFor(async () => (await smsTo(customer)).length >= 1 || undefined, { what: 'the first reply' });
    await text(customer, 'I want to talk to a person');
    await waitFor(async () => (await smsTo(customer)).some((m) => /passing this conversation/.test(m.message)), {
      what: 'the hand-off reply',
    });
    const summary = await waitFor(
      async () => {
        const container = blobs().getContainerClient('summaries');
        if (!(await container.exists())) return undefined;
        for await (const blob of container.listBlobsFlat({ prefix: 'sms-' }))
          if (blob.name.endsWith('.json'))
            return (await container.getBlobClient(blob.name).downloadToBuffer()).toString();
        return undefined;
      },
      { what: 'the summary of the handed-off conversation', timeoutMs: 30_000 },
    );
    assert.ok(!summary.includes('0177'), 'the phone number is redacted');
    assert.ok(!summary.includes(customer), 'the sender is not in the summary');
    // A person has it now: the agent stays quiet.
    const before = (await smsTo(customer)).length;
    await textAndWait(customer, 'Hello?');
    assert.equal((await smsTo(customer)).length, before);
  });
});
