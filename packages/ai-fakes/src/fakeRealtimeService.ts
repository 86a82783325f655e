import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { bytesOf } from '@switchboard/audio/pcm';
import type { EngineDependencies } from '@switchboard/local-ai/voiceAgent/localAgentEngine';
import { issueServerTls } from '@switchboard/acs-emulator/certificates';
import { FakeRealtimeConnection, type FakeRealtimeSession } from './fakeRealtimeConnection';
import type { Dialect } from './realtimeContract';

export type { FakeRealtimeSession } from './fakeRealtimeConnection';

// A fake of Azure AI Voice Live (/voice-live/realtime) and the Azure OpenAI realtime API (/openai/v1/realtime)
// on a local wss port, speaking their event protocol and holding their contract (realtimeContract.ts): it
// refuses what the services refuse, with the error event they send, and its documented errors can be provoked
// (see sandbox/ai/README.md). Voice Live's dialect uses response.audio.*, the GA realtime API
// response.output_audio.*. Behind it the offline agent engine hears and answers ('agent'), or every audio
// chunk is echoed straight back ('echo', for benchmarks); tests can also script replies (respondAll).

export interface FakeRealtimeOptions {
  mode: 'agent' | 'echo';
  /** The offline recogniser and TTS ('agent' mode). */
  engine?: EngineDependencies;
  certDir?: string;
  /** Echo mode: what each appended chunk is echoed as (benchmarks stamp their timings into it). */
  echo?: (audio: string) => string;
  /** Serve plain ws:// (http endpoint) instead of wss://; the Voice Live SDK connects to either. */
  plain?: boolean;
  /** A session ends with session_expired after this long (the services: 30 minutes). */
  maxSessionMs?: number;
  /** Negotiate permessage-deflate when a client offers it (whether the services do is unverified: README). */
  perMessageDeflate?: boolean;
  /** Azure OpenAI: the realtime deployments that exist (any name when unset). */
  deployments?: string[];
  /** Which bearer tokens open a session (any when unset): e.g. only those a managed identity issued. */
  acceptToken?: (token: string, dialect: Dialect) => boolean;
}

export interface FakeRealtimeService {
  /** https://localhost:{port}: VOICELIVE_ENDPOINT, or AZURE_OPENAI_ENDPOINT. */
  url: string;
  sessions: FakeRealtimeSession[];
  /** Drops every open session without a close handshake (the service failing mid-call). */
  dropAll(): void;
  /** Refuse (HTTP 503) new sessions while true. */
  refuseNew: boolean;
  /** The next `count` new sessions are refused 429 with Retry-After (the resource's rate limit). */
  throttleNew(count: number, retryAfterSeconds?: number): void;
  /** The next `count` responses fail (response.done status failed, rate_limit_exceeded). */
  failResponses(count: number): void;
  /** Makes every open session's server VAD report that the caller started speaking. */
  speechStartedAll(): void;
  /** Makes every open session's model call a function (as a model deciding to use a tool); returns the call id. */
  callToolAll(name: string, args: Record<string, unknown>): string;
  /** One more audio delta for each session's last reply, as a model's still in flight when it was cut. */
  lateAudioAll(pcm: Buffer): void;
  /** 'agent' mode: every open session's agent says `text` (a new reply). */
  sayAll(text: string): void;
  /** Every open session replies with `audioMs` of tone; with `holdAfterMs` it is still generating after that much. */
  respondAll(reply: { audioMs: number; text?: string; holdAfterMs?: number }): void;
  /** Held replies generate the rest of their audio. */
  releaseAll(): void;
  /** Whether any open session has a response in progress. */
  responding(): boolean;
  /** New sessions end with session_expired after this long (the services: 30 minutes). */
  maxSessionMs: number;
  /** Sessions open now. */
  openCount(): number;
  close(): Promise<void>;
}

const VOICE_LIVE_API_VERSIONS = new Set([
  '2025-05-01-preview',
  '2025-10-01',
  '2026-01-01-preview',
  '2026-04-10',
  '2026-06-01-preview',
  '2026-07-15',
  '2026-07-31-preview',
]);
const THIRTY_MINUTES = 30 * 60_000;

/** A 440 Hz tone of `ms` at `rate` (scripted replies). */
function tone(ms: number, rate: number): Buffer {
  const samples = new Int16Array(Math.round((rate * ms) / 1000));
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(3_000 * Math.sin((2 * Math.PI * 440 * i) / rate));
  return bytesOf(samples);
}

function refuse(socket: Socket, status: number, code: string, message: string, headers: Record<string, string> = {}) {
  const body = JSON.stringify({ error: { code, message } });
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
  socket.end(
    `HTTP/1.1 ${status} ${code}\r\nContent-Type: application/json\r\n${extra.join('')}Connection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export async function startFakeRealtimeService(options: FakeRealtimeOptions): Promise<FakeRealtimeService> {
  const notFound = (_req: IncomingMessage, res: ServerResponse) => void res.writeHead(404).end();
  const tls = options.plain ? undefined : await issueServerTls(options.certDir);
  const server = tls ? createServer({ cert: tls.cert, key: tls.key }, notFound) : createHttpServer(notFound);
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: options.perMessageDeflate ?? false });
  const sessions: FakeRealtimeSession[] = [];
  const open = new Set<FakeRealtimeConnection>();
  let throttle = { remaining: 0, retryAfterSeconds: 1 };
  let responseFaults = 0;
  const rateOf = (c: FakeRealtimeConnection) =>
    c.record.session.output_audio_format === 'pcm16_16000hz' ? 16_000 : 24_000;

  const service: FakeRealtimeService = {
    url: '',
    sessions,
    refuseNew: false,
    maxSessionMs: options.maxSessionMs ?? THIRTY_MINUTES,
    dropAll() {
      for (const c of open) c.ws.terminate();
      open.clear();
    },
    throttleNew(count, retryAfterSeconds = 1) {
      throttle = { remaining: count, retryAfterSeconds };
    },
    failResponses(count) {
      responseFaults = count;
    },
    speechStartedAll: () => open.forEach((c) => c.speechStarted()),
    lateAudioAll: (pcm) => open.forEach((c) => c.lateAudio(pcm)),
    sayAll: (text) => open.forEach((c) => c.say(text)),
    respondAll({ audioMs, text = 'A scripted reply.', holdAfterMs }) {
      for (const c of open) {
        const rate = rateOf(c);
        c.respond(text, tone(audioMs, rate), holdAfterMs === undefined ? undefined : (rate * 2 * holdAfterMs) / 1000);
      }
    },
    releaseAll: () => open.forEach((c) => c.release()),
    responding: () => [...open].some((c) => c.responding),
    callToolAll(name, args) {
      const callId = `call_${randomUUID()}`;
      for (const c of open) c.callTool(callId, name, JSON.stringify(args));
      return callId;
    },
    openCount: () => open.size,
    async close() {
      service.dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'https://fake');
    const dialect: Dialect | undefined =
      url.pathname === '/voice-live/realtime'
        ? 'voicelive'
        : url.pathname === '/openai/v1/realtime'
          ? 'openai'
          : undefined;
    const model = url.searchParams.get('model') ?? '';
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const authorised =
      (bearer !== undefined && (options.acceptToken?.(bearer, dialect ?? 'openai') ?? true)) ||
      Boolean(req.headers['api-key']) ||
      (dialect === 'voicelive' && Boolean(url.searchParams.get('api-key')));
    if (!dialect) return refuse(socket, 404, 'NotFound', 'Resource not found');
    if (!authorised)
      return refuse(
        socket,
        401,
        'PermissionDenied',
        'Access denied due to invalid subscription key or wrong API endpoint.',
      );
    if (dialect === 'voicelive' && !VOICE_LIVE_API_VERSIONS.has(url.searchParams.get('api-version') ?? ''))
      return refuse(socket, 400, 'BadRequest', 'The api-version query parameter is missing or not supported.');
    if (!model) return refuse(socket, 400, 'BadRequest', "The 'model' query parameter is required.");
    if (dialect === 'openai' && options.deployments && !options.deployments.includes(model))
      return refuse(socket, 404, 'DeploymentNotFound', 'The API deployment for this resource does not exist.');
    if (service.refuseNew) return refuse(socket, 503, 'ServiceUnavailable', 'The service is temporarily unavailable.');
    if (throttle.remaining > 0) {
      throttle.remaining -= 1;
      return refuse(socket, 429, 'TooManyRequests', 'Rate limit is exceeded.', {
        'Retry-After': String(throttle.retryAfterSeconds),
      });
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const record: FakeRealtimeSession = {
        dialect,
        model,
        received: [],
        session: {},
        configured: false,
        errors: [],
        responses: [],
        toolOutputs: new Map(),
        said: [],
        audioBytesSent: 0,
        appendedBytes: 0,
        deflate: /permessage-deflate/.test(ws.extensions),
      };
      sessions.push(record);
      const connection = new FakeRealtimeConnection(ws, record, {
        mode: options.mode,
        engine: options.engine,
        echo: options.echo,
        maxSessionMs: service.maxSessionMs,
        takeResponseFault: () => responseFaults > 0 && responseFaults-- > 0,
      });
      open.add(connection);
      ws.on('close', () => open.delete(connection));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  service.url = `${tls ? 'https://localhost' : 'http://127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  return service;
}
