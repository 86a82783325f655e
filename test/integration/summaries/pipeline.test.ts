import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { fixture } from '../../support/paths';
import { waitFor } from '../../support/waitFor';
import { callIdFor } from '@switchboard/app/call/callIdFor';

interface Labels {
  items: { transcriptId: string; value: string }[];
}

describe('the insights pipeline in the running app', () => {
  let sb: SwitchboardSandbox;
  let blobs: BlobServiceClient;
  const container = async (name: string): Promise<ContainerClient> => {
    const client = blobs.getContainerClient(name);
    await client.createIfNotExists();
    return client;
  };
  const upload = async (containerName: string, name: string, body: string) =>
    (await container(containerName)).getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
  const summary = (id: string, format: 'json' | 'md' = 'json') =>
    waitFor(
      async () => {
        const response = await sb.api(`/api/summaries/${id}${format === 'md' ? '?format=md' : ''}`);
        return response.status === 200 ? response.text() : undefined;
      },
      { what: `summary ${id}`, timeoutMs: 60_000 },
    );

  before(async () => {
    sb = await startSwitchboard({ acs: { timeScale: 0.05, ringTimeoutMs: 20_000, answerDelayMs: 100 } });
    blobs = BlobServiceClient.fromConnectionString(sb.azurite.connectionString);
  });
  after(async () => {
    await sb?.stop();
  });

  it('turns a transcript into a redacted summary with none of its planted personal data', async () => {
    const id = 'call-002-card-update';
    await upload('transcripts', `${id}.json`, readFileSync(fixture('transcripts', `${id}.json`), 'utf8'));
    const json = await summary(id);
    const markdown = await summary(id, 'md');
    const parsed = JSON.parse(json) as {
      id: string;
      summary: { issue: string };
      sentiment: { overall: unknown };
      language: string;
    };
    assert.equal(parsed.id, id);
    assert.ok(parsed.summary.issue.length > 0);
    assert.equal(parsed.language, 'en');
    const labels = JSON.parse(readFileSync(fixture('transcripts', 'labels.json'), 'utf8')) as Labels;
    for (const item of labels.items.filter((i) => i.transcriptId === id)) {
      assert.ok(
        !json.toLowerCase().includes(item.value.toLowerCase()),
        `planted "${item.value.slice(0, 3)}…" leaked into the JSON`,
      );
      assert.ok(
        !markdown.toLowerCase().includes(item.value.toLowerCase()),
        `planted "${item.value.slice(0, 3)}…" leaked into the markdown`,
      );
    }
  });

  it('summarises a chat export, and once only when the same export arrives again', async () => {
    const thread = 'thread-42';
    const exportJson = JSON.stringify({
      threadId: thread,
      messages: [
        {
          id: '1',
          type: 'text',
          sequenceId: '1',
          createdOn: '2026-11-20T10:00:00Z',
          senderDisplayName: 'Customer',
          sender: { kind: 'communicationUser', communicationUserId: '8:acs:customer' },
          content: { message: 'Hi, my parcel never arrived. You can text me on 425 555 0199.' },
        },
        {
          id: '2',
          type: 'text',
          sequenceId: '2',
          createdOn: '2026-11-20T10:01:00Z',
          senderDisplayName: 'Contoso Bot',
          sender: { kind: 'communicationUser', communicationUserId: '8:acs:bot' },
          content: { message: 'Sorry about that. I have reordered the parcel and it will arrive on Friday.' },
        },
        {
          id: '3',
          type: 'text',
          sequenceId: '3',
          createdOn: '2026-11-20T10:02:00Z',
          senderDisplayName: 'Customer',
          sender: { kind: 'communicationUser', communicationUserId: '8:acs:customer' },
          content: { message: 'Great, thank you so much!' },
        },
      ],
    });
    await upload('chat-exports', `${thread}.json`, exportJson);
    const first = JSON.parse(await summary(thread)) as { createdAt: string; source: string };
    assert.equal(first.source, 'chat');
    assert.ok(!(await summary(thread)).includes('0199'), 'the phone number is redacted');
    // The same export again (a redelivery): still exactly one summary under that id.
    await upload('chat-exports', `${thread}.json`, exportJson);
    await waitFor(
      async () => (JSON.parse(await summary(thread)) as { createdAt: string }).createdAt !== first.createdAt,
      { what: 'the re-run' },
    );
    const names: string[] = [];
    for await (const blob of (await container('summaries')).listBlobsFlat({ prefix: thread })) names.push(blob.name);
    assert.deepEqual(names.sort(), [`${thread}.json`, `${thread}.md`]);
  });

  it('sends corrupt inputs to deadletter/ with the reason and carries on', async () => {
    await upload('transcripts', 'broken.json', '{"schemaVersion": 1, "turns": [');
    await upload(
      'transcripts',
      'empty.json',
      JSON.stringify({
        schemaVersion: 1,
        id: 'empty',
        source: 'recording',
        channel: 'voice',
        startedAt: '2026-01-01T00:00:00Z',
        participants: [],
        turns: [],
        metadata: {},
      }),
    );
    const deadletter = await container('deadletter');
    const read = async (name: string) =>
      JSON.parse((await deadletter.getBlobClient(name).downloadToBuffer()).toString()) as {
        reason: string;
        source: string;
      };
    const broken = await waitFor(
      async () =>
        (await deadletter.getBlobClient('transcripts/broken.json.json').exists())
          ? read('transcripts/broken.json.json')
          : undefined,
      { what: 'the dead letter' },
    );
    assert.equal(broken.reason, 'invalid_json');
    const empty = await waitFor(
      async () =>
        (await deadletter.getBlobClient('transcripts/empty.json.json').exists())
          ? read('transcripts/empty.json.json')
          : undefined,
      { what: 'the empty dead letter' },
    );
    assert.equal(empty.reason, 'empty_transcript');
    await upload(
      'transcripts',
      'call-003-internet-outage.json',
      readFileSync(fixture('transcripts', 'call-003-internet-outage.json'), 'utf8'),
    );
    await summary('call-003-internet-outage');
  });
});

describe('a recorded call, from the PSTN to a summary', () => {
  let sb: SwitchboardSandbox;
  // Real time in the PSTN world: the recording must hold speech at its natural pace for speech-to-text.
  before(async () => {
    sb = await startSwitchboard({ acs: { timeScale: 1, answerDelayMs: 100 } });
  });
  after(async () => {
    await sb?.stop();
  });

  it('records a voicemail, stores the recording, transcribes it and summarises it', async () => {
    const blobs = BlobServiceClient.fromConnectionString(sb.azurite.connectionString);
    const container = async (name: string) => {
      const client = blobs.getContainerClient(name);
      await client.createIfNotExists();
      return client;
    };
    await sb.acs.control.configureAgent('+18005550111', { kind: 'reject' });
    const since = (await sb.acs.control.timeline({})).at(-1)?.seq ?? 0;
    const call = await sb.acs.control.placeCall({ from: '+14255550123', to: '+18005550100' });
    await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId }, 30_000);
    await sb.acs.control.pressDigits(call.serverCallId, '1');
    await sb.acs.control.waitForRequest('startRecording', { since }, 60_000);
    await sb.acs.control.say(
      call.serverCallId,
      'Hello, my internet has been down since Monday. Please send a technician to fix the internet connection.',
    );
    // The flow ends the voicemail itself after maxSeconds (8 s in the test flow), then says goodbye.
    const callId = callIdFor(call.serverCallId);

    const recordings = await container('recordings');
    await waitFor(() => recordings.getBlobClient(`${callId}/0.wav`).exists(), {
      what: 'the recording blob',
      timeoutMs: 30_000,
    });
    const props = await recordings.getBlobClient(`${callId}/0.wav`).getProperties();
    assert.equal(props.metadata?.callid, callId);
    assert.equal(props.metadata?.formattype, 'Wav');

    const transcripts = await container('transcripts');
    await waitFor(() => transcripts.getBlobClient(`${callId}.json`).exists(), {
      what: 'the transcript',
      timeoutMs: 60_000,
    });
    const transcript = JSON.parse(
      (await transcripts.getBlobClient(`${callId}.json`).downloadToBuffer()).toString(),
    ) as { turns: { text: string }[] };
    assert.ok(transcript.turns.length > 0, 'speech-to-text heard something');
    const result = await waitFor(
      async () => {
        const response = await sb.api(`/api/summaries/${callId}`);
        return response.status === 200
          ? ((await response.json()) as { id: string; source: string; turnCount: number })
          : undefined;
      },
      { what: 'the summary', timeoutMs: 60_000 },
    );
    assert.equal(result.source, 'recording');
    assert.equal(result.turnCount, transcript.turns.length);
  });
});
