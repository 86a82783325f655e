import { cpus } from 'node:os';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import type { TokenCredential } from '@azure/identity';
import type { AppApi } from '../bridge/appClient';
import { startBridge } from '../bridge/bridgeServer';
import { createProvider } from '../bridge/createProvider';
import { startAcsKeys } from '../sandbox/acs/media/acsMediaClient';
import { startFakeRealtimeService } from '../sandbox/ai/fakeRealtimeService';
import { percentile, type BenchRow } from './stats';

// `npm run bench -- bridge`: N concurrent 24 kHz bidirectional streams through the media bridge (the Voice
// Live SDK provider) to an echoing fake model, against a baseline relay written the plain way (JSON.parse,
// base64 decode/encode and one send per frame, no pacing). Each 20 ms frame carries its sequence number in
// its first bytes, so the hop ACS -> model and the hop model -> ACS are timed per frame. Everything runs in
// this one process, so CPU is the whole rig's (driver, fake and relay); the same rig runs both relays.

const FRAME_BYTES = 960; // 20 ms of PCM16 at 24 kHz
const RUN_MS = Number(process.env.BENCH_BRIDGE_RUN_MS ?? 4_000);
const LADDER = (process.env.BENCH_BRIDGE_STREAMS ?? '25,50,100,200,400').split(',').map(Number);

const credential: TokenCredential = {
  getToken: () => Promise.resolve({ token: 'bench', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

interface Level {
  streams: number;
  sent: number;
  atModel: number;
  atAcs: number;
  late: number;
  inbound: number[];
  outbound: number[];
  cpuMsPerStreamSecond: number;
  coresUsed: number;
}

/** The baseline: what a first relay looks like, one parse, decode, encode and send per frame, no pacing. */
async function startBaselineRelay(modelUrl: string): Promise<{ url: string; close(): Promise<void> }> {
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
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/media`,
    close: () => new Promise((resolve) => wss.close(() => resolve())),
  };
}

const seqOf = (base64: string) => Buffer.from(base64.slice(0, 8), 'base64').readUInt32LE(0);

async function measure(
  url: string,
  streams: number,
  token: string,
  onAppend: (hook: (audio: string) => void) => void,
  tag: string,
): Promise<Level> {
  const sentAt = new Map<number, number>();
  const echoedAt = new Map<number, number>();
  const inbound: number[] = [];
  const outbound: number[] = [];
  let atModel = 0;
  let atAcs = 0;
  let late = 0;
  let seq = 0;
  onAppend((audio) => {
    const s = seqOf(audio);
    const t = performance.now();
    const sent = sentAt.get(s);
    if (sent !== undefined) {
      inbound.push(t - sent);
      atModel += 1;
      echoedAt.set(s, t);
    }
  });
  const clients: WebSocket[] = [];
  for (let i = 0; i < streams; i++) {
    const ws = new WebSocket(`${url}?callId=bench-${tag}-${streams}-${i}&token=t`, {
      headers: { authorization: `Bearer ${token}` },
    });
    let last = 0;
    ws.on('message', (raw: Buffer) => {
      const text = raw.toString();
      const at = text.indexOf('"data":"');
      if (at < 0) return;
      const t = performance.now();
      const echoed = echoedAt.get(seqOf(text.slice(at + 8, at + 16)));
      if (echoed !== undefined) {
        outbound.push(t - echoed);
        atAcs += 1;
      }
      if (last && t - last > 40) late += 1;
      last = t;
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(
      JSON.stringify({
        kind: 'AudioMetadata',
        audioMetadata: { sampleRate: 24_000, encoding: 'PCM', channels: 1, length: FRAME_BYTES },
      }),
    );
    clients.push(ws);
  }
  await new Promise((r) => setTimeout(r, 500)); // model sessions open
  const frame = Buffer.alloc(FRAME_BYTES, 3);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let ticks = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const due = Math.floor((performance.now() - t0) / 20);
      while (ticks < due) {
        ticks += 1;
        for (const ws of clients) {
          seq += 1;
          frame.writeUInt32LE(seq, 0);
          sentAt.set(seq, performance.now());
          ws.send(
            `{"kind":"AudioData","audioData":{"data":"${frame.toString('base64')}","timestamp":"${new Date().toISOString()}","silent":false}}`,
          );
        }
      }
      if (performance.now() - t0 < RUN_MS) setTimeout(tick, Math.max(0, t0 + (ticks + 1) * 20 - performance.now()));
      else done();
    };
    tick();
  });
  await new Promise((r) => setTimeout(r, 500)); // drain
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  for (const ws of clients) ws.close();
  await new Promise((r) => setTimeout(r, 300));
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    streams,
    sent: seq,
    atModel,
    atAcs,
    late,
    inbound,
    outbound,
    cpuMsPerStreamSecond: cpuMs / streams / (wallMs / 1000),
    coresUsed: cpuMs / wallMs,
  };
}

export async function run(): Promise<{ name: string; rows: BenchRow[]; [key: string]: unknown }> {
  const keys = await startAcsKeys();
  const token = await keys.sign({}, 3_600);
  let hook: ((audio: string) => void) | undefined;
  const fake = await startFakeRealtimeService({ mode: 'echo', plain: true, onAppend: (a) => hook?.(a) });
  const app: AppApi = {
    agent: (callId) =>
      Promise.resolve({ callId, instructions: 'Echo.', canHandoff: false, tools: [], maxMs: 3_600_000 }),
    report: () => Promise.resolve(),
  };
  const stops: number[] = [];
  const bridge = await startBridge({
    token: keys.token,
    provider: createProvider({ name: 'voicelive', endpoint: fake.url, model: 'bench', voice: 'bench' }, credential),
    app,
    transcripts: { save: () => Promise.resolve() },
    apology: Buffer.alloc(0),
  });
  const baseline = await startBaselineRelay(fake.url);
  const results: { relay: string; level: Level }[] = [];
  for (const [relay, url] of [
    ['bridge', bridge.url],
    ['baseline', baseline.url],
  ] as const) {
    for (const streams of LADDER) {
      const level = await measure(url, streams, token, (fn) => (hook = fn), relay);
      results.push({ relay, level });
      console.log(
        `${relay} ${streams} streams: sent ${level.sent}, at model ${level.atModel}, at ACS ${level.atAcs}, late ${level.late}, cores ${level.coresUsed.toFixed(2)}`,
      );
    }
  }
  // Barge-in: the model's VAD reports speech while agent audio plays; time until ACS has StopAudio.
  {
    const clients: WebSocket[] = [];
    let startedAt = 0;
    for (let i = 0; i < 20; i++) {
      const ws = new WebSocket(`${bridge.url}?callId=barge-${i}&token=t`, {
        headers: { authorization: `Bearer ${token}` },
      });
      ws.on('message', (raw: Buffer) => {
        if (raw.toString().startsWith('{"kind":"stopAudio"')) stops.push(performance.now() - startedAt);
      });
      await new Promise((r) => ws.once('open', r));
      clients.push(ws);
    }
    await new Promise((r) => setTimeout(r, 500));
    const frame = Buffer.alloc(FRAME_BYTES, 3).toString('base64');
    for (let round = 0; round < 10; round++) {
      // A burst of caller audio echoes back as agent audio queued at the bridge; then speech starts.
      for (const ws of clients)
        for (let f = 0; f < 10; f++) ws.send(`{"kind":"AudioData","audioData":{"data":"${frame}","silent":false}}`);
      await new Promise((r) => setTimeout(r, 100));
      startedAt = performance.now();
      fake.speechStartedAll();
      await new Promise((r) => setTimeout(r, 300));
    }
    for (const ws of clients) ws.close();
  }
  await baseline.close();
  await bridge.close();
  await fake.close();
  await keys.close();

  const cores = cpus().length;
  const clean = (relay: string) =>
    results.filter(
      (r) =>
        r.relay === relay &&
        r.level.atModel === r.level.sent &&
        r.level.late === 0 &&
        r.level.atAcs >= r.level.sent * 0.95,
    );
  const best = (relay: string) => clean(relay).at(-1)?.level;
  const bridgeBest = best('bridge');
  const streamsPerCore = bridgeBest ? Math.round(bridgeBest.streams / Math.max(bridgeBest.coresUsed, 1 / cores)) : 0;
  const rows: BenchRow[] = [];
  for (const { relay, level } of results) {
    rows.push({
      metric: `${relay}: ACS frame -> model, ${level.streams} streams`,
      p50: percentile(level.inbound, 50),
      p99: percentile(level.inbound, 99),
      unit: 'ms',
      samples: level.inbound.length,
    });
    rows.push({
      metric: `${relay}: model delta -> ACS frame, ${level.streams} streams`,
      p50: percentile(level.outbound, 50),
      p99: percentile(level.outbound, 99),
      unit: 'ms',
      samples: level.outbound.length,
      note: relay === 'bridge' ? 'includes pacing and the 40 ms jitter buffer' : 'no pacing',
    });
    rows.push({
      metric: `${relay}: CPU, ${level.streams} streams`,
      value: level.cpuMsPerStreamSecond,
      unit: 'CPU ms per stream-second (whole rig)',
      note: `dropped ${level.sent - level.atModel}, late ${level.late}`,
    });
  }
  const ratioAt = LADDER.map((n) => {
    const b = results.find((r) => r.relay === 'bridge' && r.level.streams === n)?.level;
    const p = results.find((r) => r.relay === 'baseline' && r.level.streams === n)?.level;
    return b && p ? b.cpuMsPerStreamSecond / p.cpuMsPerStreamSecond : NaN;
  });
  rows.push({ metric: 'streams per core (zero dropped or late frames)', value: streamsPerCore, unit: 'streams' });
  rows.push({
    metric: 'CPU per stream, bridge / baseline',
    value: ratioAt.at(-1),
    unit: 'ratio',
    note: `at ${LADDER.at(-1)} streams`,
  });
  rows.push({
    metric: 'barge-in: speech_started -> StopAudio at ACS',
    p50: percentile(stops, 50),
    p99: percentile(stops, 99),
    unit: 'ms',
    samples: stops.length,
  });
  return {
    name: 'bridge',
    rows,
    streamsPerCore,
    baselineCpuRatio: ratioAt.at(-1),
    bargeInMs: { p50: percentile(stops, 50), p99: percentile(stops, 99) },
    levels: results.map(({ relay, level }) => ({
      relay,
      streams: level.streams,
      dropped: level.sent - level.atModel,
      late: level.late,
      coresUsed: level.coresUsed,
      inboundMs: { p50: percentile(level.inbound, 50), p99: percentile(level.inbound, 99) },
      outboundMs: { p50: percentile(level.outbound, 50), p99: percentile(level.outbound, 99) },
      cpuMsPerStreamSecond: level.cpuMsPerStreamSecond,
    })),
  };
}
