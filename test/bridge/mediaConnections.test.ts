import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startBridge, type Bridge } from '@switchboard/bridge/bridgeServer';
import type { AgentReport } from '@switchboard/bridge/appClient';
import type { AgentConfig, ModelEvents, VoiceModelProvider } from '@switchboard/bridge/providers/voiceModel';
import type { Conversation } from '@switchboard/core/conversation';
import { ConflictError, RemoteServiceError, UnauthorizedError } from '@switchboard/core/errors';
import {
  connectAsAcs,
  startAcsKeys,
  type AcsKeys,
  type MediaClient,
} from '@switchboard/acs-emulator/media/acsMediaClient';
import { waitFor } from '../support/waitFor';

// Who may open a call's media stream, and for how long the agent may talk: every connection is bound to its call
// (the call's media token in the URL, ACS's x-ms-call-connection-id header), a genuine ACS token opens one
// connection only, a finished call opens none, and the agent stops when the call's orchestration is gone or its
// step's time is up. The app is a stand-in holding the calls' state; the model talks for as long as it is open.

/** A call as the app knows it. */
interface AppCall {
  step: string;
  connectionId: string;
  maxMs: number;
  ended?: boolean;
  purged?: boolean;
  /** The app cannot read the call's state (storage down): checks fail. */
  unavailable?: boolean;
  /** How often the bridge has asked about the call. */
  checks?: number;
}

/** The longest a voice-agent call may outlive its orchestration (README: reliability guarantees). */
const OUTLIVES_AT_MOST_MS = 10_000;

describe('the media bridge binds each stream to its call', () => {
  let keys: AcsKeys;
  let bridge: Bridge;
  const calls = new Map<string, AppCall>();
  const usedTokens = new Set<string>();
  const reports = new Map<string, AgentReport[]>();
  const hangUps: { callId: string; at: number }[] = [];
  const transcripts: Conversation[] = [];
  const sessions: { callId: string; closed: boolean; agent: AgentConfig }[] = [];
  let n = 0;

  const newCall = (options: Partial<AppCall> = {}) => {
    const callId = `call-conn-${++n}`;
    calls.set(callId, { step: 'assistant', connectionId: `connection-${n}`, maxMs: 15 * 60_000, ...options });
    return callId;
  };
  const known = (callId: string, token: string): AppCall => {
    const call = calls.get(callId);
    if (!call || call.purged || token !== `token-${callId}`) throw new UnauthorizedError('not authorised');
    return call;
  };
  // The app's side of the bridge: the calls' agents, the media connections it allows, the calls' state.
  const app = {
    agent: (callId: string, token: string): Promise<AgentConfig> => {
      const call = known(callId, token);
      return Promise.resolve({
        callId,
        step: call.step,
        instructions: 'Help.',
        canHandoff: false,
        tools: [],
        maxMs: call.maxMs,
      });
    },
    report: (callId: string, _token: string, report: AgentReport) => {
      reports.set(callId, [...(reports.get(callId) ?? []), report]);
      return Promise.resolve();
    },
    connect: (
      callId: string,
      token: string,
      connection: { kind: string; tokenId: string; expiresAt: number; callConnectionId?: string },
    ) => {
      const call = known(callId, token);
      if (call.ended) return Promise.reject(new ConflictError('the call has ended'));
      if (connection.callConnectionId && connection.callConnectionId !== call.connectionId)
        return Promise.reject(new UnauthorizedError('wrong-call-connection'));
      if (usedTokens.has(connection.tokenId)) return Promise.reject(new UnauthorizedError('replayed-token'));
      usedTokens.add(connection.tokenId);
      return Promise.resolve({ running: true, step: call.step });
    },
    session: (callId: string, token: string) => {
      const call = known(callId, token);
      call.checks = (call.checks ?? 0) + 1;
      if (call.unavailable) return Promise.reject(new RemoteServiceError('HTTP 503', { retryable: true }));
      return Promise.resolve({ running: !call.ended, step: call.step });
    },
    hangUp: (callId: string) => {
      hangUps.push({ callId, at: Date.now() });
      return Promise.resolve();
    },
  };
  // A model that talks for as long as its session is open: 100 ms of speech every 100 ms.
  const provider: VoiceModelProvider = {
    name: 'talking',
    open(agent: AgentConfig, events: ModelEvents) {
      const session = { callId: agent.callId, closed: false, agent };
      sessions.push(session);
      const timer = setInterval(() => events.audio(Buffer.alloc(4_800, 7), 'reply'), 100);
      return Promise.resolve({
        sampleRate: 24_000,
        appendAudio: () => undefined,
        interrupt: () => undefined,
        toolResult: () => undefined,
        close: () => {
          session.closed = true;
          clearInterval(timer);
          return Promise.resolve();
        },
      });
    },
  };

  before(async () => {
    keys = await startAcsKeys();
    bridge = await startBridge({
      token: keys.token,
      provider,
      app,
      transcripts: { save: (c) => Promise.resolve(void transcripts.push(c)) },
      apology: Buffer.alloc(4_800),
    });
  });
  after(async () => {
    await bridge?.close();
    await keys?.close();
  });

  const connect = async (
    callId: string,
    options: { authorization?: string; kind?: 'transcription'; callToken?: string; callConnectionId?: string } = {},
  ): Promise<MediaClient> =>
    connectAsAcs(bridge.url, {
      callId,
      callToken: options.callToken ?? `token-${callId}`,
      authorization: options.authorization ?? `Bearer ${await keys.sign()}`,
      kind: options.kind,
      callConnectionId: options.callConnectionId ?? calls.get(callId)?.connectionId,
    });
  const closed = (client: MediaClient) =>
    client.ws.readyState === client.ws.CLOSED
      ? Promise.resolve()
      : new Promise<void>((resolve) => client.ws.once('close', () => resolve()));
  const sessionOf = (callId: string) => waitFor(() => sessions.find((s) => s.callId === callId), { what: 'the agent' });

  it('refuses a genuine ACS token the second time, for the same call, another call or the other stream', async () => {
    const [first, second] = [newCall(), newCall()];
    const authorization = `Bearer ${await keys.sign()}`;
    const acs = await connect(first, { authorization });
    acs.close();
    await closed(acs);
    for (const attempt of [
      connect(first, { authorization }),
      connect(second, { authorization }),
      connect(first, { authorization, kind: 'transcription' }),
    ])
      await assert.rejects(attempt, /HTTP 401/);
  });

  it("refuses a stream, transcription included, whose media token is not its call's", async () => {
    const [callA, callB] = [newCall(), newCall()];
    for (const kind of [undefined, 'transcription'] as const) {
      await assert.rejects(connect(callA, { kind, callToken: `token-${callB}` }), /HTTP 401/);
      await assert.rejects(connect(callA, { kind, callToken: 'guessed' }), /HTTP 401/);
    }
    await assert.rejects(
      connectAsAcs(bridge.url, { callId: callA, kind: 'transcription', authorization: `Bearer ${await keys.sign()}` }),
      /HTTP 400/,
      'a transcription stream without a media token',
    );
  });

  it("refuses a stream whose x-ms-call-connection-id is another call's", async () => {
    const [callA, callB] = [newCall(), newCall()];
    await assert.rejects(connect(callA, { callConnectionId: calls.get(callB)!.connectionId }), /HTTP 401/);
  });

  it('answers 401, never 409, to a client without a genuine token while the call is live', async () => {
    const callId = newCall();
    const acs = await connect(callId);
    for (const authorization of ['Bearer not-a-jwt', `Bearer ${await keys.sign({ aud: 'another-resource' })}`, ''])
      await assert.rejects(connect(callId, { authorization }), /HTTP 401/);
    acs.close();
  });

  it('refuses a stream for a call that has ended, and writes no transcript for it', async () => {
    const callId = newCall({ ended: true });
    for (const kind of [undefined, 'transcription'] as const)
      await assert.rejects(connect(callId, { kind }), /HTTP 410/);
    assert.equal(sessions.filter((s) => s.callId === callId).length, 0, 'no agent ran');
    assert.ok(!transcripts.some((t) => t.id === callId));
  });

  it('lets ACS reconnect with a fresh token while the old socket still looks open: the agent carries on', async () => {
    const callId = newCall();
    const first = await connect(callId);
    await waitFor(() => first.audioBytes > 0, { what: 'the agent to talk on the first socket' });
    const second = await connect(callId);
    await closed(first);
    const heard = second.audioBytes;
    await waitFor(() => second.audioBytes > heard + 9_600, { what: 'the agent to go on talking on the new socket' });
    assert.equal(sessions.filter((s) => s.callId === callId).length, 1, 'one agent, not a second one');
    assert.equal((await sessionOf(callId)).closed, false);
    second.close();
    await waitFor(() => sessions.find((s) => s.callId === callId)?.closed, { what: 'the agent to end with the call' });
  });

  it(`ends the agent and asks the app to hang up within ${OUTLIVES_AT_MOST_MS / 1000} s of the orchestration ending`, async () => {
    const callId = newCall();
    const acs = await connect(callId);
    await waitFor(() => acs.audioBytes > 0, { what: 'the agent to talk' });
    const ended = Date.now();
    calls.get(callId)!.ended = true; // terminated, say: the orchestration is no longer running
    const hangUp = await waitFor(() => hangUps.find((h) => h.callId === callId), {
      what: 'the hang-up',
      timeoutMs: OUTLIVES_AT_MOST_MS * 2,
    });
    assert.ok(hangUp.at - ended <= OUTLIVES_AT_MOST_MS, `hung up after ${hangUp.at - ended} ms`);
    assert.equal((await sessionOf(callId)).closed, true, 'the model session is closed');
    await closed(acs);
    assert.ok(acs.received.includes('stop'), 'what was still queued for the caller is dropped');
  });

  it('ends the agent and asks the app to hang up when the orchestration has been purged', async () => {
    const callId = newCall();
    const acs = await connect(callId);
    await waitFor(() => acs.audioBytes > 0, { what: 'the agent to talk' });
    calls.get(callId)!.purged = true;
    await waitFor(() => hangUps.find((h) => h.callId === callId), {
      what: 'the hang-up',
      timeoutMs: OUTLIVES_AT_MOST_MS * 2,
    });
    assert.equal((await sessionOf(callId)).closed, true);
    await closed(acs);
  });

  it('keeps the agent talking while the app cannot say how the call stands (a failed check decides nothing)', async () => {
    const callId = newCall({ unavailable: true });
    const acs = await connect(callId);
    await waitFor(() => (calls.get(callId)!.checks ?? 0) >= 2, {
      what: 'two checks the app could not answer',
      timeoutMs: OUTLIVES_AT_MOST_MS * 2,
    });
    const heard = acs.audioBytes;
    await waitFor(() => acs.audioBytes > heard + 9_600, { what: 'the agent to go on talking' });
    assert.equal((await sessionOf(callId)).closed, false);
    assert.ok(!hangUps.some((h) => h.callId === callId));
    acs.close();
  });

  it('stops the agent, without hanging up, when the orchestration has moved on to another step', async () => {
    const callId = newCall();
    const acs = await connect(callId);
    await waitFor(() => acs.audioBytes > 0, { what: 'the agent to talk' });
    calls.get(callId)!.step = 'person';
    await waitFor(() => sessions.find((s) => s.callId === callId)?.closed, {
      what: 'the agent to stop',
      timeoutMs: OUTLIVES_AT_MOST_MS * 2,
    });
    // The model's session may close a moment before the StopAudio frame reaches ACS's socket.
    await waitFor(() => acs.received.includes('stop'), { what: 'StopAudio at ACS' });
    const heard = acs.audioBytes;
    assert.ok(!hangUps.some((h) => h.callId === callId));
    acs.close();
    assert.equal(acs.audioBytes, heard);
  });

  it("ends the agent at its step's time limit and tells the orchestration why", async () => {
    const callId = newCall({ maxMs: 1_500 });
    const acs = await connect(callId);
    const ended = await waitFor(() => reports.get(callId)?.find((r) => r.type === 'ended'), {
      what: 'the time-limit report',
      timeoutMs: OUTLIVES_AT_MOST_MS * 2,
    });
    assert.equal(ended.type === 'ended' && ended.reason, 'time-limit');
    assert.equal((await sessionOf(callId)).closed, true);
    acs.close();
  });
});
