// Media streaming and live transcription: the emulator connects to the app's WebSocket (ws:// or wss://)
// as ACS does (a fresh bearer JWT valid 24 hours, and the call's x-ms-call-connection-id and
// x-ms-call-correlation-id headers), sends AudioMetadata then AudioData every 20 ms at real-time pace
// (TranscriptionMetadata then TranscriptionData for what callers say), and accepts bidirectional audioData /
// stopAudio frames.
import { DTMF_FREQUENCIES } from './dtmf';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { AudioEvent, Call } from '../callAutomation/call';
import { resample, samplesOf } from '@switchboard/audio/pcm';
import { SAMPLE_RATE, synthesize } from '@switchboard/audio/speechSynthesizer';
import { messageText } from './messageText';
import type { Timeline } from '../timeline';
import type { TokenSigner } from '../tokenSigner';

const FRAME_MS = 20;
/** ACS's WebSocket tokens live 24 hours (docs: secure-webhook-endpoint, "Call Automation WebSocket events"). */
const WEBSOCKET_TOKEN_SECONDS = 24 * 3600;
const TONE_DIGITS: Record<string, string> = {
  zero: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  asterisk: '*',
  pound: '#',
  a: 'A',
  b: 'B',
  c: 'C',
  d: 'D',
};

export interface StreamSettings {
  signer: TokenSigner;
  issuer: string;
  audience: string;
  timeline: Timeline;
}

/** Real DTMF: 100 ms of the key's two frequencies, then 50 ms of silence, per key. */
function dtmfSamples(tones: string[], sampleRate: number): Int16Array {
  const per = Math.round(sampleRate * 0.15);
  const out = new Int16Array(per * tones.length);
  tones.forEach((t, k) => {
    const [low, high] = DTMF_FREQUENCIES[t] ?? [0, 0];
    for (let i = 0; i < Math.round(sampleRate * 0.1); i++) {
      out[k * per + i] = Math.round(
        6_000 * (Math.sin((2 * Math.PI * low * i) / sampleRate) + Math.sin((2 * Math.PI * high * i) / sampleRate)),
      );
    }
  });
  return out;
}

/** Opens the socket with a fresh JWT and the call's headers; resolves once open, or rejects. The message listener
 * is attached before the handshake: frames the app sends right away may arrive in the same read as the upgrade. */
async function connect(
  url: string,
  call: Call,
  settings: StreamSettings,
  onMessage: (raw: WebSocket.RawData) => void = () => undefined,
): Promise<WebSocket> {
  const token = await settings.signer.sign({ iss: settings.issuer, aud: settings.audience }, WEBSOCKET_TOKEN_SECONDS);
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  // Sent on every upgrade (docs: audio streaming quickstart, "Additional Headers").
  if (call.callConnectionId) headers['x-ms-call-connection-id'] = call.callConnectionId;
  if (call.correlationId) headers['x-ms-call-correlation-id'] = call.correlationId;
  const ws = new WebSocket(url, { headers, handshakeTimeout: 5_000 });
  ws.on('message', onMessage);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  ws.on('error', () => ws.terminate());
  return ws;
}

/** Streams the call's audio to `options.transportUrl` until stopped or the call ends. */
export function startAudioStream(
  call: Call,
  options: Record<string, unknown>,
  settings: StreamSettings,
  onFailure: (why: string) => void,
): { stop(): void } {
  const sampleRate = options.audioFormat === 'pcm24KMono' ? 24_000 : 16_000;
  const samplesPerFrame = (sampleRate * FRAME_MS) / 1000;
  const unmixed = options.audioChannelType === 'unmixed';
  const subscriptionId = randomUUID();
  let ws: WebSocket | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let framesSent = 0;
  let logIndex = call.audioLog.length;
  /** Audio waiting to go out, per speaker ('' when mixed): callers' synthesized speech and keys. */
  const pending = new Map<string, Int16Array[]>();
  let synthesis = Promise.resolve();
  const enqueue = (key: string, samples: Int16Array): void => {
    pending.set(key, [...(pending.get(key) ?? []), samples]);
  };
  const takeFrame = (key: string): Buffer | undefined => {
    const queue = pending.get(key);
    if (!queue?.length) return undefined;
    const frame = new Int16Array(samplesPerFrame);
    let filled = 0;
    while (filled < samplesPerFrame && queue.length) {
      const head = queue[0];
      const n = Math.min(samplesPerFrame - filled, head.length);
      frame.set(head.subarray(0, n), filled);
      filled += n;
      if (n === head.length) queue.shift();
      else queue[0] = head.subarray(n);
    }
    return Buffer.from(frame.buffer);
  };
  const hear = (event: AudioEvent): void => {
    const key = unmixed ? (event.participantRawId ?? '') : '';
    if (event.kind === 'dtmf') {
      enqueue(key, dtmfSamples(event.tones ?? [], sampleRate));
    } else if (event.kind === 'speech' && event.text) {
      // The caller's words as real speech, in order, so a voice agent behind the socket can transcribe them.
      const text = event.text;
      synthesis = synthesis.then(async () => {
        const voice = await synthesize(text, 'rms');
        enqueue(key, voice ? resample(voice, SAMPLE_RATE, sampleRate) : dtmfSamples(['zero'], sampleRate));
      });
    } else if (event.kind === 'speech' && event.pcm) {
      // The caller's own voice (the console's microphone), after any synthesized words queued before it.
      const pcm = event.pcm;
      synthesis = synthesis.then(() => enqueue(key, resample(pcm, SAMPLE_RATE, sampleRate)));
    }
  };

  const stop = (): void => {
    stopped = true;
    if (timer) clearTimeout(timer);
    ws?.close(1000);
    // Do not wait for a close handshake from an app that never answers it.
    const socket = ws;
    setTimeout(() => socket?.terminate(), 1_000).unref();
  };

  const tick = (start: number): void => {
    if (stopped || !ws || ws.readyState !== WebSocket.OPEN) return;
    const now = Date.now();
    for (; logIndex < call.audioLog.length; logIndex++) {
      const event = call.audioLog[logIndex];
      if (event.participantRawId) hear(event);
      if (event.kind === 'dtmf' && options.enableDtmfTones === true) {
        for (const t of event.tones ?? [])
          ws.send(
            JSON.stringify({
              kind: 'DtmfData',
              dtmfData: { data: TONE_DIGITS[t] ?? t, participantRawID: event.participantRawId },
            }),
          );
      }
    }
    // Catch up if the event loop was late: the app gets 50 frames per second on average.
    const due = Math.floor((now - start) / FRAME_MS) + 1;
    while (framesSent < due) {
      const speakers = unmixed
        ? [...call.participants.values()].filter((p) => p.identifier.rawId !== call.appIdentity?.rawId).slice(0, 4)
        : [undefined];
      for (const speaker of speakers) {
        const rawId = speaker?.identifier.rawId;
        const audio = takeFrame(unmixed ? (rawId ?? '') : '');
        const data = audio ?? Buffer.alloc(samplesPerFrame * 2);
        ws.send(
          JSON.stringify({
            kind: 'AudioData',
            audioData: {
              data: data.toString('base64'),
              timestamp: new Date().toISOString(),
              participantRawID: rawId,
              silent: !audio,
            },
          }),
        );
      }
      framesSent += 1;
    }
    timer = setTimeout(() => tick(start), Math.max(1, start + framesSent * FRAME_MS - Date.now()));
  };

  // Bidirectional streaming: what the app sends is queued and played into the call at real time, as ACS
  // does; StopAudio drops what has not been played yet (the rest of an interrupted reply is never heard).
  let playbackEnd = 0;
  const queued: AudioEvent[] = [];
  const onMessage = (raw: WebSocket.RawData): void => {
    try {
      const frame = JSON.parse(messageText(raw)) as { kind?: string; audioData?: { data?: string } };
      if (frame.kind === 'audioData' && frame.audioData?.data) {
        const pcm = Buffer.from(frame.audioData.data, 'base64');
        const bytes = pcm.length;
        const durationMs = (bytes / 2 / sampleRate) * 1000;
        const now = Date.now();
        const at = Math.max(now, playbackEnd);
        playbackEnd = at + durationMs;
        const played: AudioEvent = {
          kind: 'prompt',
          at,
          durationMs,
          pcm: resample(samplesOf(pcm), sampleRate, SAMPLE_RATE),
        };
        call.addAudio(played);
        queued.push(played);
        while (queued.length && queued[0].at + queued[0].durationMs <= now) queued.shift();
        settings.timeline.add({
          kind: 'world',
          type: 'mediaAudioReceived',
          serverCallId: call.serverCallId,
          data: { bytes },
        });
      } else if (frame.kind === 'stopAudio') {
        const now = Date.now();
        let droppedMs = 0;
        // Emptied in place: other readers walk the audio log by index.
        for (const e of queued.filter((q) => q.at > now)) {
          droppedMs += e.durationMs;
          e.durationMs = 0;
          e.pcm = new Int16Array(0);
        }
        queued.length = 0;
        playbackEnd = now;
        settings.timeline.add({
          kind: 'world',
          type: 'mediaStopAudio',
          serverCallId: call.serverCallId,
          data: { droppedMs: Math.round(droppedMs) },
        });
      }
    } catch {
      // ignore frames that are not JSON
    }
  };
  connect(typeof options.transportUrl === 'string' ? options.transportUrl : '', call, settings, onMessage)
    .then((socket) => {
      if (stopped) {
        socket.close(1000);
        return;
      }
      ws = socket;
      settings.timeline.add({
        kind: 'world',
        type: 'mediaStreamConnected',
        serverCallId: call.serverCallId,
        callConnectionId: call.callConnectionId,
      });
      socket.send(
        JSON.stringify({
          kind: 'AudioMetadata',
          audioMetadata: { subscriptionId, encoding: 'PCM', sampleRate, channels: 1, length: samplesPerFrame * 2 },
        }),
      );
      tick(Date.now());
    })
    .catch((err: Error) => {
      if (!stopped) onFailure(err.message);
    });
  return { stop };
}

/** Sends live transcription of what the callers say to `options.transportUrl`. */
export function startTranscriptionStream(
  call: Call,
  options: Record<string, unknown>,
  settings: StreamSettings,
  onFailure: (why: string) => void,
): { stop(): void } {
  let ws: WebSocket | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let logIndex = call.audioLog.length;
  let offsetTicks = 0;
  const stop = (): void => {
    stopped = true;
    if (timer) clearInterval(timer);
    ws?.close(1000);
    const socket = ws;
    setTimeout(() => socket?.terminate(), 1_000).unref();
  };
  connect(typeof options.transportUrl === 'string' ? options.transportUrl : '', call, settings)
    .then((socket) => {
      if (stopped) {
        socket.close(1000);
        return;
      }
      ws = socket;
      socket.send(
        JSON.stringify({
          kind: 'TranscriptionMetadata',
          transcriptionMetadata: {
            subscriptionId: randomUUID(),
            locale: options.locale ?? 'en-US',
            callConnectionId: call.callConnectionId,
            correlationId: call.correlationId,
          },
        }),
      );
      timer = setInterval(() => {
        for (; logIndex < call.audioLog.length; logIndex++) {
          const event = call.audioLog[logIndex];
          if (event.kind !== 'speech' || !event.text) continue;
          const duration = event.durationMs * 10_000; // ticks of 100 ns
          const words = event.text.split(/\s+/).filter(Boolean);
          socket.send(
            JSON.stringify({
              kind: 'TranscriptionData',
              transcriptionData: {
                text: event.text,
                format: 'display',
                confidence: 0.92,
                offset: offsetTicks,
                duration,
                words: words.map((text, i) => ({
                  text,
                  offset: offsetTicks + Math.floor((duration * i) / words.length),
                  duration: Math.floor(duration / words.length),
                })),
                participantRawID: event.participantRawId,
                resultStatus: 'Final',
              },
            }),
          );
          offsetTicks += duration;
        }
      }, FRAME_MS);
    })
    .catch((err: Error) => {
      if (!stopped) onFailure(err.message);
    });
  return { stop };
}
