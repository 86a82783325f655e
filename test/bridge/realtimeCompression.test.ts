import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TokenCredential } from '@azure/identity';
import { createProvider } from '@switchboard/bridge/createProvider';
import type { ModelEvents } from '@switchboard/bridge/providers/voiceModel';
import { startFakeRealtimeService, type FakeRealtimeService } from '@switchboard/ai-fakes/fakeRealtimeService';

// permessage-deflate with a realtime service that would accept it (the fake, told to): the openai-realtime
// provider declines it on purpose; the Voice Live SDK offers it with no way to decline, so its session is
// compressed. Whether Azure accepts the offer is unverified (sandbox/ai/README.md): this pins what the bridge does.

const credential: TokenCredential = {
  getToken: () => Promise.resolve({ token: 'entra-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};
const events: ModelEvents = {
  audio: () => undefined,
  audioDone: () => undefined,
  speechStarted: () => undefined,
  callerSaid: () => undefined,
  agentSaid: () => undefined,
  toolCall: () => undefined,
  closed: () => undefined,
};
const agent = { callId: 'call-deflate', instructions: 'Help.', canHandoff: false, tools: [], maxMs: 60_000 };

describe('compression between the bridge and a realtime service that accepts it', () => {
  let fake: FakeRealtimeService;
  before(async () => {
    fake = await startFakeRealtimeService({ mode: 'agent', perMessageDeflate: true });
  });
  after(() => fake?.close());

  it('the openai-realtime provider sends its audio uncompressed', async () => {
    const provider = createProvider(
      { name: 'openai-realtime', endpoint: fake.url, deployment: 'gpt-realtime', voice: 'alloy' },
      credential,
    );
    const session = await provider.open(agent, events);
    assert.equal(fake.sessions.at(-1)?.deflate, false);
    await session.close();
  });

  it('the voicelive provider takes the compression its SDK always offers', async () => {
    const provider = createProvider(
      { name: 'voicelive', endpoint: fake.url, model: 'gpt-realtime', voice: 'en-US-AvaMultilingualNeural' },
      credential,
    );
    const session = await provider.open(agent, events);
    assert.equal(fake.sessions.at(-1)?.deflate, true);
    await session.close();
  });
});
