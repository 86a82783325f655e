import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import type { TokenCredential } from '@azure/identity';
import type { AppApi } from '@switchboard/bridge/appClient';
import { startBridge } from '@switchboard/bridge/bridgeServer';
import { createProvider } from '@switchboard/bridge/createProvider';
import type { CallbackTokenOptions } from '@switchboard/core/acs/verifyCallbackToken';
import { benchChildArgument, monotonicMs, serveBenchParent } from './benchChild';

// The relay under test in `npm run bench -- bridge`, in a process of its own so its CPU and memory are its
// alone: the media bridge (the Voice Live SDK provider, as deployed), the baseline relay written the plain
// way, or the ACS leg alone (each frame straight back to ACS, no model: the floor any relay pays for the
// protocol's frame in and frame out every 20 ms). The driver and the echoing model run in other processes.

export interface RelayArgument {
  relay: 'bridge' | 'baseline' | 'acsLeg';
  modelUrl: string;
  token: CallbackTokenOptions;
  /** The bridge's caller audio per model append (ms); its default unless set. */
  appendMs?: number;
}

export interface RelayStats {
  at: number;
  cpuMs: number;
  /** Of which in the kernel (socket reads and writes, mostly). */
  systemMs: number;
  rssBytes: number;
  heapBytes: number;
  /** Bridge only: clock ticks run, and those that ran more than a frame (20 ms) late. */
  ticks: number;
  lateTicks: number;
  /** Bridge only: per tick since the last stats, how long after its slot the tick's last frame was sent. */
  slotToSentMs: number[];
}

const credential: TokenCredential = {
  getToken: () => Promise.resolve({ token: 'bench', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

/** The baseline: what a first relay looks like, one parse, decode, encode and send per frame, no pacing. */
async function startBaselineRelay(modelUrl: string): Promise<string> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  wss.on('connection', (acs) => {
    const model = new WebSocket(`${modelUrl.replace(/^http/, 'ws')}/voice-live/realtime?model=bench`, {
      headers: { authorization: 'Bearer bench' },
    });
    model.on('message', (raw: Buffer) => {
      const event = JSON.parse(raw.toString()) as { type: string; delta?: string };
      if (event.type !== 'response.audio.delta' || !event.delta) return;
      const pcm = Buffer.from(event.delta, 'base64');
      acs.send(JSON.stringify({ kind: 'audioData', audioData: { data: pcm.toString('base64'), isSilent: false } }));
    });
    acs.on('message', (raw: Buffer) => {
      const frame = JSON.parse(raw.toString()) as { kind: string; audioData?: { data: string } };
      if (frame.kind !== 'AudioData' || !frame.audioData || model.readyState !== model.OPEN) return;
      const pcm = Buffer.from(frame.audioData.data, 'base64');
      model.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: pcm.toString('base64') }));
    });
    acs.on('close', () => model.close());
    model.on('error', () => acs.terminate());
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/media`;
}

/** The ACS leg alone: each AudioData frame's audio goes straight back as an outbound frame, found by
 * position rather than parsed: one WebSocket message in and one out per frame, the least a relay can do. */
async function startAcsLegRelay(): Promise<string> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  wss.on('connection', (acs) => {
    acs.on('message', (raw: Buffer) => {
      const text = raw.toString('latin1');
      if (!text.startsWith('{"kind":"AudioData"')) return;
      const from = text.indexOf('"data":"') + 8;
      const data = text.slice(from, text.indexOf('"', from));
      acs.send(`{"kind":"audioData","audioData":{"data":"${data}"}}`);
    });
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/media`;
}

async function main(): Promise<void> {
  const { relay, modelUrl, token, appendMs } = benchChildArgument<RelayArgument>();
  let clock: { totalTicks: number; lateTicks: number } | undefined;
  let slotToSent: number[] = [];
  let url: string;
  if (relay === 'bridge') {
    const app: AppApi = {
      agent: (callId) =>
        Promise.resolve({ callId, instructions: 'Echo.', canHandoff: false, tools: [], maxMs: 3_600_000 }),
      report: () => Promise.resolve(),
      connect: () => Promise.resolve({ running: true }),
      session: () => Promise.resolve({ running: true }),
      hangUp: () => Promise.resolve(),
    };
    const bridge = await startBridge({
      token,
      provider: createProvider({ name: 'voicelive', endpoint: modelUrl, model: 'bench', voice: 'bench' }, credential),
      app,
      transcripts: { save: () => Promise.resolve() },
      apology: Buffer.alloc(0),
      appendMs,
    });
    clock = bridge.clock;
    bridge.clock.onTick = (lateMs, tookMs) => void slotToSent.push(lateMs + tookMs);
    url = bridge.url;
  } else if (relay === 'baseline') url = await startBaselineRelay(modelUrl);
  else url = await startAcsLegRelay();
  serveBenchParent(url, {
    stats: (): RelayStats => {
      const cpu = process.cpuUsage();
      const memory = process.memoryUsage();
      const slotToSentMs = slotToSent;
      slotToSent = [];
      return {
        at: monotonicMs(),
        cpuMs: (cpu.user + cpu.system) / 1000,
        systemMs: cpu.system / 1000,
        rssBytes: memory.rss,
        heapBytes: memory.heapUsed,
        ticks: clock?.totalTicks ?? 0,
        lateTicks: clock?.lateTicks ?? 0,
        slotToSentMs,
      };
    },
  });
}

if (require.main === module)
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
