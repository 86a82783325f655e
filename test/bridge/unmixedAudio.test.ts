import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TokenCredential } from '@azure/identity';
import { startBridge, type Bridge } from '@switchboard/bridge/bridgeServer';
import type { AgentReport, AppApi } from '@switchboard/bridge/appClient';
import { createProvider } from '@switchboard/bridge/createProvider';
import { startFakeRealtimeService, type FakeRealtimeService } from '@switchboard/ai-fakes/fakeRealtimeService';
import { connectAsAcs, startAcsKeys, type AcsKeys } from '@switchboard/acs-emulator/media/acsMediaClient';
import { waitFor } from '../support/waitFor';

// ACS's unmixed media streams (audioChannelType: unmixed) send each speaker's audio as frames of their own,
// tagged with participantRawID. The model has one input channel: it hears each 20 ms once, the speakers
// mixed, never their frames one after the other. Driven as ACS drives the bridge, with the Voice Live
// provider pointed at the protocol fake, which records every append it hears.

const FRAME = 960; // 20 ms of PCM16 at 24 kHz
const CALLER = '4:+14255550100';
const OTHER = '8:acs:supervisor';

const credential: TokenCredential = {
  getToken: () => Promise.resolve({ token: 'entra-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

/** A 20 ms frame whose every sample is `value`. */
function frame(value: number): Buffer {
  const pcm = Buffer.alloc(FRAME);
  for (let at = 0; at < FRAME; at += 2) pcm.writeInt16LE(value, at);
  return pcm;
}

describe('the media bridge with an unmixed stream', () => {
  let keys: AcsKeys;
  let fake: FakeRealtimeService;
  let bridge: Bridge;
  const heard: Buffer[] = [];
  const reports = new Map<string, AgentReport[]>();

  before(async () => {
    keys = await startAcsKeys();
    fake = await startFakeRealtimeService({
      mode: 'echo',
      plain: true,
      echo: (audio) => {
        heard.push(Buffer.from(audio, 'base64'));
        return '';
      },
    });
    const app: AppApi = {
      agent: (callId) =>
        Promise.resolve({ callId, instructions: 'Listen.', canHandoff: false, tools: [], maxMs: 60_000 }),
      report: (callId, _token, report) => {
        reports.set(callId, [...(reports.get(callId) ?? []), report]);
        return Promise.resolve();
      },
      connect: () => Promise.resolve({ running: true }),
      session: () => Promise.resolve({ running: true }),
      hangUp: () => Promise.resolve(),
    };
    bridge = await startBridge({
      token: keys.token,
      provider: createProvider(
        { name: 'voicelive', endpoint: fake.url, model: 'gpt-realtime', voice: 'en-US-AvaMultilingualNeural' },
        credential,
      ),
      app,
      transcripts: { save: () => Promise.resolve() },
      apology: Buffer.alloc(0),
    });
  });
  after(async () => {
    await bridge?.close();
    await fake?.close();
    await keys?.close();
  });

  async function unmixedCall(callId: string) {
    const acs = await connectAsAcs(bridge.url, {
      callId,
      callToken: `token-${callId}`,
      authorization: `Bearer ${await keys.sign()}`,
    });
    await waitFor(() => reports.get(callId)?.some((r) => r.type === 'started'), { what: 'the agent to start' });
    const send = (speaker: string, pcm: Buffer, silent = false) =>
      acs.ws.send(
        JSON.stringify({
          kind: 'AudioData',
          audioData: {
            data: pcm.toString('base64'),
            timestamp: new Date().toISOString(),
            participantRawID: speaker,
            silent,
          },
        }),
      );
    const heardFrom = heard.length;
    const audio = () => Buffer.concat(heard.slice(heardFrom));
    return { acs, send, audio };
  }

  it('gives the model each 20 ms once, the speakers mixed, never their frames interleaved', async () => {
    const { acs, send, audio } = await unmixedCall('call-unmixed-two-speakers');
    for (let slot = 0; slot < 10; slot++) {
      send(CALLER, frame(1000));
      send(OTHER, frame(200));
    }
    const model = await waitFor(() => (audio().length >= 10 * FRAME ? audio() : undefined), {
      what: "ten frames' audio at the model",
    });
    assert.equal(model.length, 10 * FRAME, 'one frame of audio per 20 ms, not one per speaker');
    for (let at = 0; at < model.length; at += 2) assert.equal(model.readInt16LE(at), 1200, `sample at byte ${at}`);
    acs.close();
  });

  it("passes a lone speaker's audio on as it came, and a silent speaker adds nothing to the mix", async () => {
    const { acs, send, audio } = await unmixedCall('call-unmixed-one-voice');
    const voice = Buffer.concat(Array.from({ length: 10 }, (_, i) => frame(100 * (i + 1))));
    for (let slot = 0; slot < 10; slot++) {
      send(CALLER, voice.subarray(slot * FRAME, (slot + 1) * FRAME));
      send(OTHER, frame(7), true);
    }
    const model = await waitFor(() => (audio().length >= voice.length ? audio() : undefined), {
      what: "ten frames' audio at the model",
    });
    assert.deepEqual(model, voice);
    acs.close();
  });
});
