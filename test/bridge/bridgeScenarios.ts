import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TokenCredential } from '@azure/identity';
import { bytesOf, resample } from '@switchboard/audio/pcm';
import { UnauthorizedError } from '@switchboard/core/errors';
import { synthesize } from '@switchboard/audio/speechSynthesizer';
import { PocketsphinxSpeechToText } from '@switchboard/local-ai/speech/pocketsphinxSpeechToText';
import type { Conversation } from '@switchboard/core/conversation';
import { startBridge, type Bridge } from '@switchboard/bridge/bridgeServer';
import type { AgentReport, AppApi } from '@switchboard/bridge/appClient';
import { createProvider } from '@switchboard/bridge/createProvider';
import type { AgentConfig, HttpTool } from '@switchboard/bridge/providers/voiceModel';
import { startFakeRealtimeService, type FakeRealtimeService } from '@switchboard/ai-fakes/fakeRealtimeService';
import { connectAsAcs, startAcsKeys, type AcsKeys } from '@switchboard/acs-emulator/media/acsMediaClient';
import { startToolEndpoints, type ToolEndpoints } from '../support/toolEndpoints';
import { waitFor } from '../support/waitFor';

// The bridge between a call's media stream and a voice model provider, driven as ACS drives it. The same
// scenarios run against the offline provider and the two Azure SDK providers pointed at the protocol fake.
// The offline recogniser takes seconds an utterance on a loaded machine: waits are generous, never timed.

const credential: TokenCredential = {
  getToken: () => Promise.resolve({ token: 'entra-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};
const engine = { stt: new PocketsphinxSpeechToText(), synthesize: (text: string) => synthesize(text, 'slt') };

const agent = (callId: string, tools: HttpTool[] = []): AgentConfig => ({
  callId,
  instructions: "You are Contoso's support assistant. Help with orders, deliveries and passwords.",
  greeting: "Hi, I'm Contoso's assistant. How can I help?",
  canHandoff: true,
  tools,
  maxMs: 15 * 60_000,
});

/** The caller's words as 24 kHz speech followed by a second of silence (the end of an utterance). */
async function speech(text: string): Promise<Buffer> {
  const voice = await synthesize(text, 'rms');
  assert.ok(voice, 'flite is needed to speak as the caller');
  return Buffer.concat([bytesOf(resample(voice, 16_000, 24_000)), Buffer.alloc(48_000)]);
}

interface Harness {
  bridge: Bridge;
  reports: Map<string, AgentReport[]>;
  transcripts: Conversation[];
  opened: () => number;
}

/** Every scenario the bridge promises, against one provider (each provider's test file calls this). */
export function bridgeScenarios(
  providerName: 'local' | 'voicelive' | 'openai-realtime',
  part: 'conversation' | 'connection',
): void {
  // Two parts per provider, in two files, so each stays well inside the runner's per-file time on a loaded machine.
  const conversation = part === 'conversation';
  describe(`the media bridge with the ${providerName} provider (${part})`, () => {
    let keys: AcsKeys;
    let fake: FakeRealtimeService | undefined;
    let h: Harness;
    let calls = 0;
    const newCall = () => `call-${providerName}-${part}-${++calls}`;
    let endpoints: ToolEndpoints;
    /** Calls whose agent declares the HTTP tools. */
    const withTools = new Set<string>();
    const tools = (): HttpTool[] =>
      [
        ['orderStatus', '/order-status', 5_000],
        ['updateAccount', '/broken', 5_000],
        ['slowLookup', '/slow', 300],
      ].map(([name, path, timeoutMs]) => ({
        name: name as string,
        description: `${name as string} for the caller`,
        parameters: { type: 'object', properties: { orderId: { type: 'string' } } },
        url: `${endpoints.url}${path as string}`,
        auth: 'none' as const,
        timeoutMs: timeoutMs as number,
      }));

    const said = new Map<string, Buffer>();
    const PHRASES = conversation ? ['I want to check on my order', 'can I speak to a person please'] : ['hello hello'];

    before(async () => {
      // The caller's lines are spoken before any call starts, so no scenario races the agent's speech.
      for (const phrase of PHRASES) said.set(phrase, await speech(phrase));
      endpoints = await startToolEndpoints();
      keys = await startAcsKeys();
      fake = providerName === 'local' ? undefined : await startFakeRealtimeService({ mode: 'agent', engine });
      const provider = createProvider(
        providerName === 'voicelive'
          ? { name: 'voicelive', endpoint: fake!.url, model: 'gpt-realtime', voice: 'en-US-AvaMultilingualNeural' }
          : providerName === 'openai-realtime'
            ? { name: 'openai-realtime', endpoint: fake!.url, deployment: 'gpt-realtime', voice: 'alloy' }
            : { name: 'local' },
        credential,
      );
      let localOpened = 0;
      const counted = {
        name: provider.name,
        open: (...args: Parameters<typeof provider.open>) => {
          localOpened += 1;
          return provider.open(...args);
        },
      };
      const reports = new Map<string, AgentReport[]>();
      const transcripts: Conversation[] = [];
      const app: AppApi = {
        agent: (callId, token) =>
          token === `token-${callId}`
            ? Promise.resolve(agent(callId, withTools.has(callId) ? tools() : []))
            : Promise.reject(new Error('refused')),
        report: (callId, _token, report) => {
          reports.set(callId, [...(reports.get(callId) ?? []), report]);
          return Promise.resolve();
        },
        connect: (callId, token) =>
          token === `token-${callId}`
            ? Promise.resolve({ running: true })
            : Promise.reject(new UnauthorizedError('not this call')),
        session: () => Promise.resolve({ running: true }),
        hangUp: () => Promise.resolve(),
      };
      const bridge = await startBridge({
        token: keys.token,
        provider: counted,
        app,
        transcripts: { save: (c) => Promise.resolve(void transcripts.push(c)) },
        apology: Buffer.alloc(24_000 * 2, 1),
      });
      h = { bridge, reports, transcripts, opened: () => (fake ? fake.sessions.length : localOpened) };
    });
    after(async () => {
      await h?.bridge.close();
      await fake?.close();
      await keys?.close();
      endpoints?.close();
    });

    const connect = async (callId: string) =>
      connectAsAcs(h.bridge.url, {
        callId,
        callToken: `token-${callId}`,
        authorization: `Bearer ${await keys.sign()}`,
      });

    if (conversation) {
      it('greets the caller, hears a question and answers it, then writes both sides to the live transcript', async () => {
        const callId = newCall();
        const acs = await connect(callId);
        await waitFor(() => acs.audioBytes > 24_000, { what: 'the greeting', timeoutMs: 90_000 });
        await waitFor(() => h.reports.get(callId)?.some((r) => r.type === 'started'), {
          what: 'agent started',
          timeoutMs: 90_000,
        });
        const afterGreeting = await waitFor(
          () => {
            const before = acs.audioBytes;
            return new Promise<number | undefined>((r) =>
              setTimeout(() => r(acs.audioBytes === before ? before : undefined), 300),
            );
          },
          { what: 'the greeting to finish', timeoutMs: 90_000 },
        );
        acs.sendPcm(said.get('I want to check on my order')!);
        await waitFor(() => acs.audioBytes > afterGreeting + 24_000, { what: 'the answer', timeoutMs: 120_000 });
        acs.close();
        const transcript = await waitFor(() => h.transcripts.find((t) => t.id === callId), {
          what: 'the transcript',
          timeoutMs: 90_000,
        });
        assert.deepEqual(new Set(transcript.turns.map((t) => t.role)), new Set(['bot', 'customer']));
        assert.equal(transcript.source, 'live-transcript');
        assert.ok(
          transcript.turns.some((t) => t.role === 'bot' && /assistant/.test(t.text)),
          'the greeting is in it',
        );
      });

      it('hands the caller to a person when they ask for one', async () => {
        const callId = newCall();
        const acs = await connect(callId);
        await waitFor(() => h.reports.get(callId)?.some((r) => r.type === 'started'), {
          what: 'agent started',
          timeoutMs: 90_000,
        });
        acs.sendPcm(Buffer.alloc(24_000 * 2 * 4)); // let the greeting play out under silence
        await waitFor(() => acs.audioBytes > 48_000, { what: 'the greeting', timeoutMs: 90_000 });
        acs.sendPcm(said.get('can I speak to a person please')!);
        const handoff = await waitFor(() => h.reports.get(callId)?.find((r) => r.type === 'handoff'), {
          what: 'the hand-off',
          timeoutMs: 120_000,
        });
        assert.equal(handoff.type === 'handoff' && handoff.reason, 'caller-asked-for-person');
        acs.close();
      });
    } else {
      it('sends StopAudio the moment the caller talks over the agent, and stops the agent audio', async () => {
        const callId = newCall();
        const acs = await connect(callId);
        await waitFor(() => acs.received.includes('audio'), { what: 'the greeting to start', timeoutMs: 90_000 });
        acs.sendPcm(said.get('hello hello')!);
        await waitFor(() => acs.received.includes('stop'), { what: 'StopAudio', timeoutMs: 90_000 });
        acs.close();
      });

      it('refuses a forged, an expired or a wrong-audience token before the upgrade, with no model session opened', async () => {
        const opened = h.opened();
        const callId = newCall();
        const attempts = [
          'Bearer not-a-jwt',
          `Bearer ${await keys.sign({}, -120)}`,
          `Bearer ${await keys.sign({ aud: 'another-acs-resource' })}`,
          undefined,
        ];
        for (const authorization of attempts) {
          await assert.rejects(
            connectAsAcs(h.bridge.url, { callId, callToken: `token-${callId}`, authorization }),
            /HTTP 401/,
          );
        }
        assert.equal(h.opened(), opened);
      });

      it('runs the agent for every call id the app makes, including those that start with - or _', async () => {
        // callIdFor is base64url: one call in 32 has an id like these (it once made the stream fail at random).
        for (const callId of [`-${newCall()}`, `_${newCall()}`]) {
          const acs = await connect(callId);
          await waitFor(() => h.reports.get(callId)?.some((r) => r.type === 'started'), {
            what: 'agent started',
            timeoutMs: 90_000,
          });
          acs.close();
        }
      });

      it('lets a second verified connection for the same call take over from the first (ACS reconnecting)', async () => {
        const callId = newCall();
        const first = await connect(callId);
        await waitFor(() => h.reports.get(callId)?.some((r) => r.type === 'started'), {
          what: 'agent started',
          timeoutMs: 90_000,
        });
        const opened = h.opened();
        const firstClosed = new Promise<void>((resolve) => first.ws.once('close', () => resolve()));
        const second = await connect(callId);
        await firstClosed;
        assert.equal(h.opened(), opened, 'the same agent, not a second one');
        second.close();
      });
    }

    if (providerName !== 'local' && !conversation) {
      it('plays the apology and reports the failure when the model drops mid-call', async () => {
        const callId = newCall();
        const acs = await connect(callId);
        await waitFor(() => h.reports.get(callId)?.some((r) => r.type === 'started'), {
          what: 'agent started',
          timeoutMs: 90_000,
        });
        fake!.dropAll();
        const failed = await waitFor(() => h.reports.get(callId)?.find((r) => r.type === 'failed'), {
          what: 'the failure report',
          timeoutMs: 90_000,
        });
        assert.equal(failed.type === 'failed' && failed.reason, 'model-dropped');
        // The report is sent once the last apology frame has left the bridge; the frames are still in flight.
        await waitFor(() => acs.audioBytes >= 24_000 * 2, { what: 'the whole apology' });
        acs.close();
      });

      it("calls the flow's HTTP tool, tells the model when a tool is unknown, fails or times out, and the call goes on", async () => {
        const callId = newCall();
        withTools.add(callId);
        const acs = await connect(callId);
        await waitFor(() => h.reports.get(callId)?.some((r) => r.type === 'started'), {
          what: 'agent started',
          timeoutMs: 90_000,
        });
        // The bridge reports the agent started once the model has acknowledged the session's configuration.
        const session = fake!.sessions.at(-1)!;
        assert.ok(session.configured, 'the session was configured before the agent counted as started');
        const offered = (session.session.tools as { name: string }[]).map((t) => t.name);
        assert.ok(
          ['orderStatus', 'updateAccount', 'slowLookup'].every((n) => offered.includes(n)),
          'tools offered',
        );
        const outputOf = (callToolId: string) =>
          waitFor(() => session.toolOutputs.get(callToolId), { what: 'the tool output', timeoutMs: 30_000 });

        const status = await outputOf(fake!.callToolAll('orderStatus', { orderId: 'A-1001' }));
        assert.deepEqual(JSON.parse(status), { status: 'shipped', eta: 'Friday' });
        assert.deepEqual(endpoints.bodies.at(-1), { orderId: 'A-1001' });
        const unknown = JSON.parse(await outputOf(fake!.callToolAll('deleteEverything', {}))) as { error: string };
        assert.match(unknown.error, /unknown tool deleteEverything/);
        const broken = JSON.parse(await outputOf(fake!.callToolAll('updateAccount', {}))) as { error: string };
        assert.match(broken.error, /HTTP 500/);
        const slow = JSON.parse(await outputOf(fake!.callToolAll('slowLookup', {}))) as { error: string };
        assert.match(slow.error, /slowLookup timed out/);

        // The call goes on: the model speaks after each result (the fake's agent says what the tool found, or
        // that it could not do it), every word of it reaches ACS, and the bridge reports no failure.
        await waitFor(() => session.said.filter((line) => /could not do that/.test(line)).length === 3, {
          what: 'the agent to answer the failed tools',
          timeoutMs: 90_000,
        });
        assert.ok(session.said.some((line) => /found\. shipped\. Friday/.test(line)));
        const sent = session.audioBytesSent;
        await waitFor(() => acs.audioBytes >= sent, { what: 'the answers to reach ACS', timeoutMs: 90_000 });
        assert.ok(!h.reports.get(callId)?.some((r) => r.type === 'failed'));
        assert.equal(acs.ws.readyState, acs.ws.OPEN);
        acs.close();
      });

      it('plays none of an interrupted reply that is still arriving from the model, then plays the next reply', async () => {
        const callId = newCall();
        const acs = await connect(callId);
        await waitFor(() => acs.received.includes('audio'), { what: 'the greeting to start', timeoutMs: 90_000 });
        const session = fake!.sessions.at(-1)!;
        fake!.speechStartedAll();
        await waitFor(() => acs.received.includes('stop'), { what: 'StopAudio', timeoutMs: 90_000 });
        const heard = acs.frames.length;
        // The bridge cuts the model's reply to what the caller heard (after StopAudio): the next reply is a new one.
        await waitFor(() => session.received.includes('conversation.item.truncate'), { what: 'the truncate' });
        // The rest of the greeting, still in flight when the caller spoke (a recognisable pattern), then a new reply.
        fake!.lateAudioAll(Buffer.alloc(4_800, 0x55));
        const before = session.audioBytesSent;
        fake!.sayAll('Here is something else.');
        await waitFor(() => session.audioBytesSent > before, { what: 'the new reply', timeoutMs: 90_000 });
        const reply = session.audioBytesSent - before;
        await waitFor(() => acs.frames.slice(heard).reduce((n, f) => n + f.length, 0) >= reply, {
          what: 'the new reply to reach ACS',
          timeoutMs: 90_000,
        });
        const after = acs.frames.slice(heard);
        assert.ok(!after.some((f) => f.subarray(0, 16).every((b) => b === 0x55)), 'no audio of the interrupted reply');
        assert.ok(after.length > 0);
        acs.close();
      });

      it('plays the apology at once when the model is unreachable', async () => {
        fake!.refuseNew = true;
        try {
          const callId = newCall();
          const acs = await connect(callId);
          const failed = await waitFor(() => h.reports.get(callId)?.find((r) => r.type === 'failed'), {
            what: 'the failure report',
          });
          assert.equal(failed.type === 'failed' && failed.reason, 'model-unreachable');
          await waitFor(() => acs.audioBytes >= 24_000 * 2, { what: 'the whole apology' });
          acs.close();
        } finally {
          fake!.refuseNew = false;
        }
      });
    }
  });
}
