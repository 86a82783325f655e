import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TokenCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import { callIdFor } from '@switchboard/app/call/callIdFor';
import { synthesize } from '@switchboard/audio/speechSynthesizer';
import { PocketsphinxSpeechToText } from '@switchboard/local-ai/speech/pocketsphinxSpeechToText';
import { renderApology } from '@switchboard/bridge/apology';
import { createProvider } from '@switchboard/bridge/createProvider';
import type { VoiceModelProvider } from '@switchboard/bridge/providers/voiceModel';
import type { TimelineEntry } from '@switchboard/acs-emulator/timeline';
import { startFakeRealtimeService, type FakeRealtimeService } from '@switchboard/ai-fakes/fakeRealtimeService';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { startToolEndpoints, type ToolEndpoints } from '../../support/toolEndpoints';
import { TOOL_LINE_GREETING, agentSpeechBytes, voiceAgentFlows } from '../../support/voiceAgentFlows';
import { waitFor } from '../../support/waitFor';

// A caller talks with the voice agent through the whole sandbox: the ACS emulator streams the caller's
// synthesized speech to the media bridge, which runs one provider: `local` (what `npm start` runs), or the
// Voice Live or Azure OpenAI realtime SDK provider against the protocol fake (the offline agent behind the real
// event protocol). The app's orchestration acts on the agent's hand-off, end or failure, and the live transcript
// is summarised with personal data redacted. Each part (a test file) starts one sandbox whose bridge runs each
// call on the provider its scenario chose; a scenario's calls for several providers run at once when they can.
// Nothing waits on the clock: each step waits for what the previous one causes.

export type ProviderName = 'local' | 'voicelive' | 'openai-realtime';

const credential: TokenCredential = {
  getToken: () => Promise.resolve({ token: 'entra-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

/** Agent audio reaches ACS in 20 ms frames of 24 kHz PCM16; a reply's last frame is padded. */
const FRAME_BYTES = 960;
/** What the agent says when the caller asks for a person (bridge/local/intentRules.ts, also behind the fake). */
const HANDOFF_LINE = 'Of course. Let me connect you with a person.';
const CONTOSO_GREETING = "Hi, I'm Contoso's assistant. How can I help?";
/** The offline agent's answer to a question about an order, from Contoso's instructions ("Help with orders, ..."). */
const CONTOSO_ANSWER = 'Sure, I can help with orders. I have sent the details to you by text message.';

interface World {
  sb: SwitchboardSandbox;
  /** Runs a call's agent with the provider the scenario is for. */
  choose(callId: string, provider: ProviderName): void;
  /** The protocol fake behind the voicelive and openai-realtime providers. */
  model?: FakeRealtimeService;
  tools: ToolEndpoints;
  apologyBytes: number;
}

interface CallState {
  history: string[];
  state: string;
  outcome?: string;
}

let callers = 200;

/** The sandbox views a scenario uses, for one world. */
function views(w: World) {
  const control = w.sb.acs.control;
  const world = (serverCallId: string, type: string, since = 0) =>
    control.waitFor({ kind: 'world', type, serverCallId, since }, 120_000);
  const timeline = (serverCallId: string, since = 0) => control.timeline({ serverCallId, kind: 'world', since });
  const state = async (callId: string) => (await (await w.sb.api(`/api/calls/${callId}`)).json()) as CallState;
  return {
    control,
    /** A caller (a number of their own) dials `to`; the call's agent runs on `provider`. */
    place: async (to: string, provider: ProviderName) => {
      const call = await control.placeCall({ from: `+1425555${String(++callers).padStart(4, '0')}`, to });
      w.choose(callIdFor(call.serverCallId), provider);
      return call;
    },
    world,
    timeline,
    state,
    /** The agent audio ACS received for the call after `since` (and before `until`), in bytes. */
    agentBytes: async (serverCallId: string, since: number, until = Infinity) =>
      (await timeline(serverCallId, since))
        .filter((e) => e.type === 'mediaAudioReceived' && e.seq < until)
        .reduce((sum, e) => sum + Number((e.data as { bytes: number }).bytes), 0),
    /** The agent's media stream is up (or why it is not: the flow would have taken its fallback). */
    connected: async (serverCallId: string) => {
      const failed = control
        .waitForEvent('MediaStreamingFailed', { serverCallId }, 120_000)
        .then((e) => Promise.reject(new Error(`media streaming failed: ${JSON.stringify(e.data)}`)));
      failed.catch(() => undefined);
      return Promise.race([world(serverCallId, 'mediaStreamConnected'), failed]);
    },
    completed: (callId: string) =>
      waitFor(async () => ((await state(callId)).state === 'Completed' ? state(callId) : undefined), {
        what: 'the orchestration to complete',
        timeoutMs: 60_000,
      }),
  };
}

/**
 * The test files: each runs a few calls in a sandbox of its own, so that it stays well inside the runner's
 * per-file time on a loaded machine (a sandbox per provider ran too many calls in one file).
 */
export type Part = 'contoso' | 'conversation' | 'bargeIn' | 'failures';

interface Scenario {
  name: string;
  /** The providers it runs against, in each part that runs it. */
  parts: Partial<Record<Part, ProviderName[]>>;
  /** Its calls for each provider run at once (it does not make the shared fake fail or call tools). */
  concurrent: boolean;
  run(w: World, provider: ProviderName): Promise<void>;
}

const ALL: ProviderName[] = ['local', 'voicelive', 'openai-realtime'];
const FAKED: ProviderName[] = ['voicelive', 'openai-realtime'];

/** Every scenario, and the providers it runs against (those behind the fake can be made to fail or call tools). */
const SCENARIOS: Scenario[] = [
  {
    name: "presses 3 on Contoso's main line, hears the greeting, asks a question and hears the answer, asks for a person and is transferred; the live transcript has both sides, and its summary (checked with the local provider) neither the name nor the number",
    parts: { contoso: ['local'], conversation: FAKED },
    concurrent: true,
    async run(w, provider) {
      const v = views(w);
      const call = await v.place('+18005550100', provider);
      const callId = callIdFor(call.serverCallId);
      await v.control.waitForRequest('recognize', { serverCallId: call.serverCallId }, 120_000);
      await v.control.pressDigits(call.serverCallId, '3');
      await v.connected(call.serverCallId);
      const greeting = await v.world(call.serverCallId, 'mediaAudioReceived');
      const greetingBytes = await agentSpeechBytes(CONTOSO_GREETING);
      await waitFor(async () => (await v.agentBytes(call.serverCallId, greeting.seq - 1)) >= greetingBytes, {
        what: 'the whole greeting',
        timeoutMs: 120_000,
      });

      await v.control.say(call.serverCallId, 'I want to check on my order');
      const asked = await v.world(call.serverCallId, 'say', greeting.seq);
      // The whole answer plays before the caller speaks again (talking over it would cut it short).
      const answerBytes = await agentSpeechBytes(CONTOSO_ANSWER);
      await waitFor(async () => (await v.agentBytes(call.serverCallId, asked.seq)) >= answerBytes, {
        what: 'the whole answer',
        timeoutMs: 120_000,
      });
      await v.control.say(
        call.serverCallId,
        'Can I speak to a person please. My name is Jane Doe and my number is 425 555 0187.',
      );
      await v.control.waitForRequest('transferToParticipant', { serverCallId: call.serverCallId }, 180_000);
      await waitFor(async () => (await v.control.getCall(call.serverCallId)).connectedTo?.rawId === '4:+18005550133', {
        what: 'the caller to be connected to the support specialist',
        timeoutMs: 60_000,
      });
      const state = await waitFor(
        async () => ((await v.state(callId)).history.includes('supportAgent') ? v.state(callId) : undefined),
        { what: 'the flow to reach the hand-off step', timeoutMs: 60_000 },
      );
      assert.deepEqual(state.history.slice(0, 5), ['welcome', 'vipCheck', 'menu', 'supportIntro', 'assistant']);
      await v.control.hangUp(call.serverCallId).catch(() => undefined);

      const blobs = BlobServiceClient.fromConnectionString(w.sb.azurite.connectionString);
      const transcriptBlob = blobs.getContainerClient('transcripts').getBlobClient(`${callId}.json`);
      await waitFor(() => transcriptBlob.exists(), { what: 'the live transcript', timeoutMs: 60_000 });
      const transcript = JSON.parse((await transcriptBlob.downloadToBuffer()).toString()) as {
        source: string;
        turns: { role: string; text: string }[];
      };
      assert.equal(transcript.source, 'live-transcript');
      const said = (role: string, pattern: RegExp) =>
        transcript.turns.some((t) => t.role === role && pattern.test(t.text));
      assert.ok(said('bot', /Contoso's assistant/), 'the greeting is in it');
      assert.ok(said('customer', /order/), 'the question is in it');
      assert.ok(said('bot', /^Sure, I can help with orders\. I have sent/), 'the whole answer is in it');
      assert.ok(said('customer', /jane doe/i), 'the raw transcript has the name');

      // The pipeline summarises the live transcript: summaries/{callId}.json holds neither the name nor the number.
      // What follows the transcript blob is the same whatever the provider: once is enough.
      if (provider !== 'local') return;
      const summaryBlob = blobs.getContainerClient('summaries').getBlobClient(`${callId}.json`);
      await waitFor(() => summaryBlob.exists(), { what: 'the summary', timeoutMs: 120_000 });
      const text = (await summaryBlob.downloadToBuffer()).toString();
      const summary = JSON.parse(text) as { id: string; source: string; redaction: Record<string, number> };
      assert.equal(summary.id, callId);
      assert.equal(summary.source, 'live-transcript');
      assert.ok(summary.redaction.name >= 1, 'the name was redacted');
      // The offline recogniser hears the number's "two" as "to": the whole number is still read and redacted.
      assert.ok(summary.redaction.phone >= 1, 'the number was redacted as a phone number');
      assert.doesNotMatch(text, /four to/i);
      assert.doesNotMatch(text, /jane|doe/i);
      assert.doesNotMatch(text, /five five|zero one eight/i);
      assert.doesNotMatch(text.replace(/\D/g, ''), /4255550187|5550187/);
    },
  },
  {
    name: 'talks over the greeting: ACS gets StopAudio before any more agent audio, and the only agent audio after it is the hand-off line',
    parts: { bargeIn: ALL },
    concurrent: true,
    async run(w, provider) {
      const v = views(w);
      const call = await v.place('+18005550800', provider);
      await v.connected(call.serverCallId);
      // The greeting is many seconds long: the caller's words reach the agent's voice activity detection while it plays.
      const greeting = await v.world(call.serverCallId, 'mediaAudioReceived');
      await v.control.say(call.serverCallId, 'Can I speak to a person please');
      const asked = await v.world(call.serverCallId, 'say', greeting.seq);
      const stop = await v.world(call.serverCallId, 'mediaStopAudio', greeting.seq);
      assert.ok(stop.seq > asked.seq, 'StopAudio follows what the caller said');
      await v.control.waitForRequest('transferToParticipant', { serverCallId: call.serverCallId }, 180_000);
      // Had any of the greeting still played after StopAudio, it would add seconds of audio to the short reply.
      const after = await v.agentBytes(call.serverCallId, stop.seq);
      const handoffBytes = await agentSpeechBytes(HANDOFF_LINE);
      assert.ok(
        after <= Math.ceil(handoffBytes / FRAME_BYTES) * FRAME_BYTES,
        `agent audio after StopAudio: ${after} bytes, the hand-off line is ${handoffBytes}`,
      );
      await v.control.hangUp(call.serverCallId).catch(() => undefined);
    },
  },
  {
    name: "has the agent call the flow file's HTTP tool; an unknown tool and a failing or slow one are told to the model, and the call goes on",
    parts: { failures: FAKED },
    concurrent: false,
    async run(w, provider) {
      const v = views(w);
      const model = w.model!;
      const call = await v.place('+18005550810', provider);
      const callId = callIdFor(call.serverCallId);
      await v.connected(call.serverCallId);
      const greeting = await v.world(call.serverCallId, 'mediaAudioReceived');
      // The flow's tools reach the model as declared in the flow file, beside the built-in handoff and endCall.
      const session = await waitFor(
        () => [...model.sessions].reverse().find((s) => JSON.stringify(s.session.tools ?? []).includes('orderStatus')),
        { what: "the model session with the flow's tools", timeoutMs: 90_000 },
      );
      const offered = session.session.tools as { name: string; parameters?: unknown }[];
      assert.deepEqual(offered.map((t) => t.name).sort(), [
        'endCall',
        'handoff',
        'orderStatus',
        'slowLookup',
        'updateAccount',
      ]);
      assert.deepEqual(offered.find((t) => t.name === 'orderStatus')?.parameters, {
        type: 'object',
        properties: { orderId: { type: 'string', description: 'the order number, e.g. A-1001' } },
        required: ['orderId'],
      });
      const outputOf = (toolCallId: string) =>
        waitFor(() => session.toolOutputs.get(toolCallId), { what: 'the tool output', timeoutMs: 30_000 });
      const errorOf = async (toolCallId: string) => (JSON.parse(await outputOf(toolCallId)) as { error: string }).error;

      const status = await outputOf(model.callToolAll('orderStatus', { orderId: 'A-1001' }));
      assert.deepEqual(JSON.parse(status), { status: 'shipped', eta: 'Friday' });
      assert.deepEqual(w.tools.bodies.at(-1), { orderId: 'A-1001' });
      assert.match(await errorOf(model.callToolAll('deleteEverything', {})), /unknown tool deleteEverything/);
      assert.match(await errorOf(model.callToolAll('updateAccount', {})), /HTTP 500/);
      assert.match(await errorOf(model.callToolAll('slowLookup', {})), /slowLookup timed out/);

      // The call goes on: the agent says what it found and that it could not do the rest, the caller hears it
      // (agent audio beyond the greeting), and the orchestration is still at the agent step.
      await waitFor(() => session.said.filter((line) => /could not do that/.test(line)).length === 3, {
        what: 'the agent to answer the failed tools',
        timeoutMs: 90_000,
      });
      assert.ok(session.said.some((line) => /found\. shipped\. Friday/.test(line)));
      const greetingBytes = await agentSpeechBytes(TOOL_LINE_GREETING);
      await waitFor(async () => (await v.agentBytes(call.serverCallId, greeting.seq - 1)) > greetingBytes + 24_000, {
        what: 'the answers to reach the caller',
        timeoutMs: 90_000,
      });
      const state = await v.state(callId);
      assert.equal(state.state, 'Running');
      assert.equal(state.history.at(-1), 'assistant');
      await v.control.hangUp(call.serverCallId);
      assert.equal((await v.completed(callId)).outcome, 'caller-hung-up');
    },
  },
  {
    name: 'ends the orchestration cleanly when the caller hangs up while the agent is talking',
    parts: { bargeIn: ALL },
    concurrent: true,
    async run(w, provider) {
      const v = views(w);
      const call = await v.place('+18005550800', provider);
      const callId = callIdFor(call.serverCallId);
      await v.connected(call.serverCallId);
      await v.world(call.serverCallId, 'mediaAudioReceived');
      await v.control.hangUp(call.serverCallId);
      const ended = await v.completed(callId);
      assert.equal(ended.outcome, 'caller-hung-up');
      assert.ok(!ended.history.includes('sorry'), 'no fallback for a caller who left');
    },
  },
  {
    // Last: the fake drops every session it has open.
    name: 'hears the apology, then the flow takes its fallback, when the model drops mid-call',
    parts: { failures: FAKED },
    concurrent: false,
    async run(w, provider) {
      const v = views(w);
      const call = await v.place('+18005550800', provider);
      const callId = callIdFor(call.serverCallId);
      await v.connected(call.serverCallId);
      const greeting = await v.world(call.serverCallId, 'mediaAudioReceived');
      const before = (await v.timeline(call.serverCallId, greeting.seq)).at(-1)?.seq ?? greeting.seq;
      w.model!.dropAll();
      const fallback = await v.control.waitForRequest(
        'play',
        { serverCallId: call.serverCallId, since: before },
        120_000,
      );
      // What ACS received after the drop: StopAudio for the greeting (when some was still queued), then the
      // whole apology, all of it before the app played the fallback step's prompt.
      const afterDrop: TimelineEntry[] = (await v.timeline(call.serverCallId, before)).filter(
        (e) => e.seq < fallback.seq,
      );
      const stop = afterDrop.findLastIndex((e) => e.type === 'mediaStopAudio');
      const apologyBytes = afterDrop
        .slice(stop + 1)
        .filter((e) => e.type === 'mediaAudioReceived')
        .reduce((sum, e) => sum + Number((e.data as { bytes: number }).bytes), 0);
      assert.ok(
        apologyBytes >= w.apologyBytes,
        `the whole apology (${w.apologyBytes} bytes) played, got ${apologyBytes}`,
      );
      const ended = await v.completed(callId);
      assert.ok(ended.history.includes('sorry'), 'the flow took the fallback step');
    },
  },
];

/**
 * One part of the scenarios, each against the providers it names, in one sandbox: its bridge runs each call's
 * agent on the provider the scenario chose for that call (as three bridges would), the SDK providers against
 * one protocol fake.
 */
export function voiceAgentScenarios(part: Part): void {
  describe(`a caller who reaches the voice agent (${part})`, () => {
    // The bridge asks for a call's provider when its media arrives; the scenario chose it when it dialled.
    const chosen = new Map<string, { promise: Promise<ProviderName>; resolve: (p: ProviderName) => void }>();
    const choice = (callId: string) => {
      let entry = chosen.get(callId);
      if (!entry) {
        let resolve!: (p: ProviderName) => void;
        const promise = new Promise<ProviderName>((r) => (resolve = r));
        entry = { promise, resolve };
        chosen.set(callId, entry);
      }
      return entry;
    };
    const w = { choose: (callId, provider) => choice(callId).resolve(provider) } as World;

    before(async () => {
      w.apologyBytes = (await renderApology()).length;
      w.tools = await startToolEndpoints({ tls: true });
      w.model = await startFakeRealtimeService({
        mode: 'agent',
        engine: { stt: new PocketsphinxSpeechToText(), synthesize: (text) => synthesize(text, 'slt') },
      });
      const endpoint = w.model.url;
      const providers: Record<ProviderName, VoiceModelProvider> = {
        local: createProvider({ name: 'local' }),
        voicelive: createProvider(
          { name: 'voicelive', endpoint, model: 'gpt-realtime', voice: 'en-US-AvaMultilingualNeural' },
          credential,
        ),
        'openai-realtime': createProvider(
          { name: 'openai-realtime', endpoint, deployment: 'gpt-realtime', voice: 'alloy' },
          credential,
        ),
      };
      const perCall: VoiceModelProvider = {
        name: 'per-call',
        open: async (agent, events, options) =>
          providers[await choice(agent.callId).promise].open(agent, events, options),
      };
      w.sb = await startSwitchboard({
        acs: { timeScale: 0.05, answerDelayMs: 100 },
        flows: voiceAgentFlows(w.tools.url),
        bridge: { provider: perCall },
      });
    });
    after(async () => {
      await w.sb?.stop();
      await w.model?.close();
      w.tools?.close();
    });

    for (const scenario of SCENARIOS.filter((s) => s.parts[part]))
      describe(scenario.name, { concurrency: scenario.concurrent }, () => {
        for (const provider of scenario.parts[part]!)
          it(`with the ${provider} provider`, () => scenario.run(w, provider));
      });
  });
}
