import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startAcsKeys } from '@switchboard/acs-emulator/media/acsMediaClient';
import { monotonicMs, startBenchChild, type BenchChild } from './benchChild';
import { STAMP_BYTES, STAMP_CHARS, stampOf, type Inbound } from './bridgeEchoModel';
import type { RelayArgument, RelayStats } from './bridgeRelay';
import { percentile, type BenchRow } from './stats';

// `npm run bench -- bridge`: N concurrent 24 kHz bidirectional streams (one 20 ms AudioData frame per stream
// every 20 ms, as ACS sends them) through the media bridge (the Voice Live SDK provider, as deployed) to an
// echoing model, then the same through a baseline relay written the plain way, and through the ACS leg
// alone (frames straight back, no model: the protocol's floor, which no relay's CPU can go under). Three processes: this driver
// (ACS), the relay under test (its CPU and memory are what is reported) and the echoing model. Each frame
// carries when it was sent and when the model echoed it (monotonic clock, shared by the processes), so both
// hops are timed per frame. A level is clean when every frame reached the model and came back and none was
// more than a frame time (20 ms) late. The ladder climbs while nothing is lost and most frames are on time.

const FRAME_BYTES = 960; // 20 ms of PCM16 at 24 kHz
const RUN_MS = Number(process.env.BENCH_BRIDGE_RUN_MS ?? 5_000);
/** The levels climbed while the bridge keeps up: enough to reach hundreds of streams when it does. */
const LADDER = (process.env.BENCH_BRIDGE_STREAMS ?? '25,50,100,200,300,400,600,800,1000,1200,1600')
  .split(',')
  .map(Number);
/** The share of late frames that ends the climb: 1% unless set (a loaded machine's scheduler makes frames late
 * that a quiet one would not; the report still judges every level by the same rules). */
const CLIMB_LATE = Number(process.env.BENCH_BRIDGE_CLIMB_LATE ?? 0.01);
/** Which relays run (profiling one alone): all three unless set. */
const RELAYS = (process.env.BENCH_BRIDGE_RELAYS ?? 'bridge,baseline,acsLeg').split(',') as Level['relay'][];
/** The bridge's caller audio per model append (ms); the bridge's default unless set. */
const APPEND_MS = process.env.BENCH_BRIDGE_APPEND_MS ? Number(process.env.BENCH_BRIDGE_APPEND_MS) : undefined;
/** Node's flags, as bridge/Dockerfile runs the bridge; the baseline gets them too, so the ratio compares code. */
const RELAY_NODE_ARGS = ['--max-semi-space-size=32'];
const BARGE_STREAMS = 20;
const BARGE_ROUNDS = 10;

interface Level {
  relay: RelayArgument['relay'];
  streams: number;
  sent: number;
  atModel: number;
  atAcs: number;
  /** Bridge clock ticks that ran more than a frame late, during the level. */
  lateTicks: number;
  /** Gaps over 40 ms between a stream's frames at ACS (the driver's own lateness shows here too). */
  gaps: number;
  driverLateTicks: number;
  /** ACS -> model per frame (its wait for the rest of its append included), and per append from its newest
   * frame (what the relay added), with the frames each append held. */
  inbound: number[];
  inboundAdded: number[];
  framesPerAppend: number[];
  outbound: number[];
  /** Bridge: per tick, its slot (when it was due) -> its last frame written to the socket. */
  slotToSent: number[];
  cpuMsPerStreamSecond: number;
  /** The share of the relay's CPU spent in the kernel. */
  systemShare: number;
  coresUsed: number;
  kbPerStream: number;
}

const until = async (what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** The frame's base64 after its stamp: the same for every frame (939 bytes, a multiple of 3). */
const TAIL = Buffer.alloc(FRAME_BYTES - STAMP_BYTES, 3).toString('base64');
const stamp = Buffer.alloc(STAMP_BYTES);
function frame(level: number, timestamp = new Date().toISOString()): string {
  stamp.writeDoubleLE(monotonicMs(), 0);
  stamp.writeDoubleLE(0, 8);
  stamp.writeUInt32LE(level >>> 0, 16);
  return `{"kind":"AudioData","audioData":{"data":"${stamp.toString('base64')}${TAIL}","timestamp":"${timestamp}","silent":false}}`;
}

interface Stream {
  ws: WebSocket;
  frames: number;
  lastAt: number;
  stops: number[];
}

async function connect(url: string, token: string, n: number, tag: string, onAudio: (s: Stream, d: string) => void) {
  const streams: Stream[] = [];
  for (let i = 0; i < n; i += 50) {
    const batch = Array.from({ length: Math.min(50, n - i) }, async (_, k) => {
      const ws = new WebSocket(`${url}?callId=bench-${tag}-${i + k}&token=t`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const stream: Stream = { ws, frames: 0, lastAt: 0, stops: [] };
      ws.on('message', (raw: Buffer) => {
        const text = raw.toString();
        const at = text.indexOf('"data":"');
        if (at >= 0) {
          stream.frames += 1;
          onAudio(stream, text.slice(at + 8, at + 8 + STAMP_CHARS));
        } else if (text.startsWith('{"kind":"stopAudio"')) stream.stops.push(monotonicMs());
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
      return stream;
    });
    streams.push(...(await Promise.all(batch)));
  }
  return streams;
}

async function measure(
  relay: BenchChild,
  model: BenchChild,
  which: Level['relay'],
  streams: number,
  token: string,
  idleRss: number,
): Promise<Level> {
  const level = streams; // the tag the frames of this level carry
  const outbound: number[] = [];
  let atAcs = 0;
  let gaps = 0;
  let sending = false;
  const viaModel = which !== 'acsLeg';
  const clients = await connect(relay.ready as string, token, streams, `${which}-${streams}`, (s, data) => {
    const now = monotonicMs();
    const st = stampOf(data);
    if (st.readUInt32LE(16) !== level) return;
    if (viaModel) outbound.push(now - st.readDoubleLE(8));
    atAcs += 1;
    if (sending && s.lastAt && now - s.lastAt > 40) gaps += 1;
    s.lastAt = now;
  });
  if (viaModel) await until('model sessions', async () => (await model.ask<number>('open')) === streams);
  // Warm-up: every stream's model session is open once its audio comes back (audio before is dropped).
  const warm = setInterval(() => clients.forEach((c) => c.ws.send(frame(0))), 20);
  await until('every stream to echo', () => clients.every((c) => c.frames > 0)).finally(() => clearInterval(warm));

  await model.ask('begin', level);
  const s0 = await relay.ask<RelayStats>('stats');
  let sent = 0;
  let ticks = 0;
  let driverLateTicks = 0;
  sending = true;
  const t0 = monotonicMs();
  await new Promise<void>((done) => {
    const tick = () => {
      const now = monotonicMs();
      const due = Math.floor((now - t0) / 20);
      if (due - ticks > 1) driverLateTicks += 1;
      while (ticks < due) {
        ticks += 1;
        const timestamp = new Date().toISOString();
        for (const c of clients) c.ws.send(frame(level, timestamp));
        sent += clients.length;
      }
      if (now - t0 < RUN_MS) setTimeout(tick, Math.max(0, t0 + (ticks + 1) * 20 - monotonicMs()));
      else done();
    };
    tick();
  });
  sending = false;
  // The streams go on at once with frames that are not counted, as a call's does, so the level's last frames
  // leave in whole appends rather than waiting out the bridge's hold. Then drain: until every frame is back,
  // or nothing more has arrived for 3 s.
  const tail = setInterval(() => clients.forEach((c) => c.ws.send(frame(0))), 20);
  const s1 = await relay.ask<RelayStats>('stats');
  let last = -1;
  let quietSince = monotonicMs();
  await until('the echoes to drain', () => {
    if (atAcs !== last) [last, quietSince] = [atAcs, monotonicMs()];
    return atAcs === sent || monotonicMs() - quietSince > 3_000;
  }).finally(() => clearInterval(tail));
  const inbound = await model.ask<Inbound>('end');
  for (const c of clients) c.ws.close();
  await until('model sessions to close', async () => (await model.ask<number>('open')) === 0);
  const wallMs = s1.at - s0.at;
  const cpuMs = s1.cpuMs - s0.cpuMs;
  return {
    relay: which,
    streams,
    sent,
    atModel: viaModel ? inbound.frames.length : sent,
    atAcs,
    lateTicks: s1.lateTicks - s0.lateTicks,
    gaps,
    driverLateTicks,
    inbound: inbound.frames,
    inboundAdded: inbound.appends,
    framesPerAppend: inbound.framesPerAppend,
    outbound,
    slotToSent: s1.slotToSentMs,
    cpuMsPerStreamSecond: cpuMs / streams / (wallMs / 1000),
    coresUsed: cpuMs / wallMs,
    systemShare: (s1.systemMs - s0.systemMs) / cpuMs,
    kbPerStream: Math.max(0, s1.rssBytes - idleRss) / 1024 / streams,
  };
}

const FRAME_MS = 20;
const lossless = (l: Level) => l.atModel === l.sent && l.atAcs === l.sent;
/** Frames into the model in appends that left more than a frame time (20 ms) after their newest frame was
 * sent (the wait for an append to fill is by design, not lateness), and frames out to ACS more than a frame
 * time late (a late tick delays every stream's frame; the baseline, which does not pace, by its hop). */
const lateFrames = (l: Level) =>
  l.inboundAdded.reduce((late, ms, i) => (ms > FRAME_MS ? late + l.framesPerAppend[i] : late), 0) +
  (l.relay === 'bridge' ? l.lateTicks * l.streams : l.outbound.filter((ms) => ms > FRAME_MS).length);
const lateShare = (l: Level) => lateFrames(l) / (2 * l.sent);
const clean = (l: Level) => lossless(l) && lateFrames(l) === 0;
/** Keeping up: nothing lost and at most 1% of frames late. */
const keepsUp = (l: Level) => lossless(l) && lateShare(l) <= 0.01;

/** Barge-in: agent audio is playing on every stream; the model reports speech; time until ACS has StopAudio. */
async function bargeIn(relay: BenchChild, model: BenchChild, token: string): Promise<number[]> {
  const clients = await connect(relay.ready as string, token, BARGE_STREAMS, 'barge', () => undefined);
  await until('model sessions', async () => (await model.ask<number>('open')) === BARGE_STREAMS);
  const samples: number[] = [];
  for (let round = 0; round < BARGE_ROUNDS; round++) {
    const heard = clients.map((c) => c.frames);
    const stops = clients.map((c) => c.stops.length);
    // A burst of caller audio comes back as a second of agent audio queued at the bridge.
    for (const c of clients) for (let f = 0; f < 50; f++) c.ws.send(frame(0));
    await until('agent audio on every stream', () => clients.every((c, i) => c.frames > heard[i]));
    const at = await model.ask<number>('speechStarted');
    await until('StopAudio on every stream', () => clients.every((c, i) => c.stops.length > stops[i]), 10_000);
    for (const [i, c] of clients.entries()) samples.push(c.stops[stops[i]] - at);
  }
  for (const c of clients) c.ws.close();
  await until('model sessions to close', async () => (await model.ask<number>('open')) === 0);
  return samples;
}

export async function run(): Promise<{ name: string; rows: BenchRow[]; [key: string]: unknown }> {
  const loadBefore = loadavg()[0];
  const keys = await startAcsKeys();
  const token = await keys.sign({}, 3_600);
  const model = await startBenchChild(join(__dirname, 'bridgeEchoModel.js'), {});
  const levels: Level[] = [];
  let bargeInMs: number[] = [];
  const climbed: number[] = [];
  try {
    for (const which of RELAYS) {
      const argument: RelayArgument = {
        relay: which,
        modelUrl: model.ready as string,
        token: keys.token,
        appendMs: APPEND_MS,
      };
      const relay = await startBenchChild(join(__dirname, 'bridgeRelay.js'), argument, RELAY_NODE_ARGS);
      try {
        const idleRss = (await relay.ask<RelayStats>('stats')).rssBytes;
        // The baseline runs the levels the bridge ran, for the ratio at each.
        const climbing = which === 'bridge' || !RELAYS.includes('bridge');
        for (const streams of climbing ? LADDER : climbed) {
          const level = await measure(relay, model, which, streams, token, idleRss);
          levels.push(level);
          console.log(
            `${which} ${streams} streams: sent ${level.sent}, at model ${level.atModel}, back at ACS ${level.atAcs}, ` +
              `late ${(100 * lateShare(level)).toFixed(1)}% (ticks ${level.lateTicks}), relay cores ${level.coresUsed.toFixed(2)}, ` +
              `CPU ${level.cpuMsPerStreamSecond.toFixed(2)} ms per stream-second (${(100 * level.systemShare).toFixed(0)}% kernel), ` +
              `driver late ticks ${level.driverLateTicks}, load ${loadavg()[0].toFixed(1)}`,
          );
          if (which === 'bridge') climbed.push(streams);
          // The ladder climbs until a level loses frames or more than CLIMB_LATE of them are late.
          if (climbing && !(lossless(level) && lateShare(level) <= CLIMB_LATE)) break;
        }
        if (which === 'bridge') bargeInMs = await bargeIn(relay, model, token);
      } finally {
        await relay.stop();
      }
    }
  } finally {
    await model.stop();
    await keys.close();
  }
  return report(levels, bargeInMs, loadBefore);
}

function report(levels: Level[], bargeInMs: number[], loadBefore: number) {
  const hop = (xs: number[]) => ({ p50: percentile(xs, 50), p99: percentile(xs, 99) });
  const bridgeLevels = levels.filter((l) => l.relay === 'bridge');
  const best = bridgeLevels.filter(clean).at(-1);
  const bestKeepingUp = bridgeLevels.filter(keepsUp).at(-1);
  const perCore = (l?: Level) => (l ? Math.round(l.streams / l.coresUsed) : 0);
  const ratioAt = (n: number, relay: Level['relay'] = 'bridge') => {
    const b = levels.find((l) => l.relay === relay && l.streams === n);
    const p = levels.find((l) => l.relay === 'baseline' && l.streams === n);
    return b && p ? b.cpuMsPerStreamSecond / p.cpuMsPerStreamSecond : NaN;
  };
  const headline = best ?? bestKeepingUp ?? bridgeLevels[0];
  const acsLegRatio = headline ? ratioAt(headline.streams, 'acsLeg') : NaN;
  const rows: BenchRow[] = [];
  for (const l of levels) {
    const tag = `${l.relay}, ${l.streams} streams`;
    if (l.relay === 'acsLeg') {
      rows.push({
        metric: `ACS leg alone (frames straight back, no model), ${l.streams} streams: CPU`,
        value: l.cpuMsPerStreamSecond,
        unit: 'CPU ms per stream-second',
        note: `${l.coresUsed.toFixed(2)} cores (${(100 * l.systemShare).toFixed(0)}% kernel), lost ${l.sent - l.atAcs}`,
      });
      continue;
    }
    const perAppend = l.framesPerAppend.reduce((a, b) => a + b, 0) / Math.max(1, l.framesPerAppend.length);
    rows.push(
      {
        metric: `${tag}: ACS frame -> model`,
        ...hop(l.inbound),
        unit: 'ms',
        samples: l.inbound.length,
        note: `each frame, its wait for the rest of its append included (${perAppend.toFixed(1)} frames per append)`,
      },
      {
        metric: `${tag}: ACS frame -> model, added by the relay`,
        ...hop(l.inboundAdded),
        unit: 'ms',
        samples: l.inboundAdded.length,
        note: "each append, from its newest frame's send",
      },
    );
    if (l.relay === 'bridge')
      rows.push({
        metric: `${tag}: frame's 20 ms slot -> written to ACS`,
        ...hop(l.slotToSent),
        unit: 'ms',
        samples: l.slotToSent.length,
        note: `${l.lateTicks} of ${l.slotToSent.length} ticks over 20 ms late`,
      });
    rows.push(
      {
        metric: `${tag}: model delta -> ACS frame, end to end`,
        ...hop(l.outbound),
        unit: 'ms',
        samples: l.outbound.length,
        note: l.relay === 'bridge' ? 'paced: includes waiting behind earlier audio in the play queue' : 'no pacing',
      },
      {
        metric: `${tag}: relay CPU`,
        value: l.cpuMsPerStreamSecond,
        unit: 'CPU ms per stream-second',
        note: `${l.coresUsed.toFixed(2)} cores (${(100 * l.systemShare).toFixed(0)}% kernel), ${l.kbPerStream.toFixed(0)} KB RSS per stream, lost ${l.sent - l.atAcs}, late ${(100 * lateShare(l)).toFixed(1)}%`,
      },
    );
  }
  rows.push(
    {
      metric: 'bridge: streams per core (largest level with no lost or late frame / cores it used)',
      value: perCore(best),
      unit: 'streams',
      note: best ? `at ${best.streams}; target >= 500` : 'no level without a lost or late frame; target >= 500',
    },
    {
      metric: 'bridge: streams per core at the largest level with nothing lost and <= 1% of frames late',
      value: perCore(bestKeepingUp),
      unit: 'streams',
      note: bestKeepingUp ? `at ${bestKeepingUp.streams} streams` : 'no such level',
    },
    {
      metric: 'bridge / baseline CPU per stream',
      value: headline ? ratioAt(headline.streams) : NaN,
      unit: 'ratio',
      note: `at ${headline?.streams} streams; target <= 0.5; the ACS leg alone ${acsLegRatio.toFixed(2)}`,
    },
    {
      metric: 'barge-in: speech_started -> StopAudio at ACS',
      ...hop(bargeInMs),
      unit: 'ms',
      samples: bargeInMs.length,
      note: `${BARGE_STREAMS} streams; target p99 <= 20 ms`,
    },
  );
  return {
    name: 'bridge',
    rows,
    streamsPerCore: perCore(best),
    streamsPerCoreKeepingUp: perCore(bestKeepingUp),
    headlineLevel: headline?.streams,
    addedLatencyMs: headline
      ? {
          acsToModel: hop(headline.inbound),
          acsToModelAddedByRelay: hop(headline.inboundAdded),
          slotToAcs: hop(headline.slotToSent),
          modelToAcsEndToEnd: hop(headline.outbound),
        }
      : undefined,
    cpuMsPerStreamSecond: headline?.cpuMsPerStreamSecond,
    kbPerStream: headline?.kbPerStream,
    baselineCpuRatio: headline ? ratioAt(headline.streams) : NaN,
    /** The ACS leg alone over the baseline: the least CPU any relay of this protocol needs, as a ratio. */
    acsLegCpuRatio: acsLegRatio,
    bargeInMs: hop(bargeInMs),
    appendMs: APPEND_MS ?? 'bridge default',
    load: { before: loadBefore, after: loadavg()[0], cores: cpus().length },
    levels: levels.map((level) => {
      const { inbound, inboundAdded, framesPerAppend, outbound, slotToSent, ...l } = level;
      return {
        ...l,
        lateShare: lateShare(level),
        appends: framesPerAppend.length,
        inboundMs: hop(inbound),
        inboundAddedMs: hop(inboundAdded),
        slotToSentMs: hop(slotToSent),
        outboundMs: hop(outbound),
      };
    }),
  };
}
