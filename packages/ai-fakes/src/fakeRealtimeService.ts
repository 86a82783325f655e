import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { samplesOf } from '@switchboard/audio/pcm';
import { LocalAgentEngine, type EngineDependencies } from '@switchboard/local-ai/voiceAgent/localAgentEngine';
import type { ToolSpec } from '@switchboard/bridge/agentTools';
import { messageText } from '@switchboard/bridge/acsMediaFrames';
import { issueServerTls } from '@switchboard/acs-emulator/certificates';

// A fake of Azure AI Voice Live (/voice-live/realtime) and the Azure OpenAI realtime API
// (/openai/v1/realtime) on a local wss port, speaking their real event protocol: session.update,
// input_audio_buffer.append with server VAD (speech_started / speech_stopped / committed), input audio
// transcription, response.* with audio deltas and transcripts, function calls and their outputs,
// response.cancel and conversation.item.truncate. Voice Live's dialect uses response.audio.*, the GA
// realtime API response.output_audio.*. Behind it the offline agent engine hears and answers ('agent'),
// or every audio chunk is echoed straight back ('echo', for benchmarks). Tests can drop every session or
// refuse new ones, as an unreachable or failing service would.

export interface FakeRealtimeOptions {
  mode: 'agent' | 'echo';
  /** The offline recogniser and TTS ('agent' mode). */
  engine?: EngineDependencies;
  certDir?: string;
  /** Echo mode: what each appended chunk is echoed as (benchmarks stamp their timings into it). */
  echo?: (audio: string) => string;
  /** Serve plain ws:// (http endpoint) instead of wss://; the Voice Live SDK connects to either. */
  plain?: boolean;
}

export interface FakeRealtimeSession {
  dialect: 'voicelive' | 'openai';
  /** The client events received, by type. */
  received: string[];
  session: Record<string, unknown>;
  /** The function call outputs the client sent back, by call id. */
  toolOutputs: Map<string, string>;
  /** What the model said ('agent' mode), and the bytes of audio it sent for it. */
  said: string[];
  audioBytesSent: number;
}

export interface FakeRealtimeService {
  /** https://localhost:{port}: VOICELIVE_ENDPOINT, or AZURE_OPENAI_ENDPOINT. */
  url: string;
  sessions: FakeRealtimeSession[];
  /** Drops every open session without a close handshake (the service failing mid-call). */
  dropAll(): void;
  /** Refuse (HTTP 503) new sessions while true. */
  refuseNew: boolean;
  /** Makes every open session's server VAD report that the caller started speaking. */
  speechStartedAll(): void;
  /** Makes every open session's model call a function (as a model deciding to use a tool); returns the call id. */
  callToolAll(name: string, args: Record<string, unknown>): string;
  /** One more audio delta for each session's last reply, as a model's still in flight when it was cut. */
  lateAudioAll(pcm: Buffer): void;
  /** 'agent' mode: every open session's agent says `text` (a new reply). */
  sayAll(text: string): void;
  /** Sessions open now. */
  openCount(): number;
  close(): Promise<void>;
}

type Send = (event: Record<string, unknown>) => void;

function names(dialect: 'voicelive' | 'openai') {
  const audio = dialect === 'voicelive' ? 'response.audio' : 'response.output_audio';
  return { delta: `${audio}.delta`, done: `${audio}.done`, transcript: `${audio}_transcript.done` };
}

export async function startFakeRealtimeService(options: FakeRealtimeOptions): Promise<FakeRealtimeService> {
  const notFound = (_req: IncomingMessage, res: ServerResponse) => void res.writeHead(404).end();
  const tls = options.plain ? undefined : await issueServerTls(options.certDir);
  const server = tls ? createServer({ cert: tls.cert, key: tls.key }, notFound) : createHttpServer(notFound);
  const wss = new WebSocketServer({ noServer: true });
  const sessions: FakeRealtimeSession[] = [];
  const open = new Set<{
    ws: WebSocket;
    speechStarted(): void;
    callTool(callId: string, name: string, args: string): void;
    lateAudio(pcm: Buffer): void;
    say(text: string): void;
  }>();
  const service: FakeRealtimeService = {
    url: '',
    sessions,
    refuseNew: false,
    dropAll() {
      for (const s of open) s.ws.terminate();
      open.clear();
    },
    speechStartedAll() {
      for (const s of open) s.speechStarted();
    },
    lateAudioAll(pcm) {
      for (const s of open) s.lateAudio(pcm);
    },
    sayAll(text) {
      for (const s of open) s.say(text);
    },
    callToolAll(name, args) {
      const callId = `call_${randomUUID()}`;
      for (const s of open) s.callTool(callId, name, JSON.stringify(args));
      return callId;
    },
    openCount: () => open.size,
    async close() {
      service.dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'https://fake').pathname;
    const dialect =
      path === '/voice-live/realtime' ? 'voicelive' : /^\/openai(\/v1)?\/realtime$/.test(path) ? 'openai' : undefined;
    const authorised = /^Bearer \S+/.test(req.headers.authorization ?? '') || Boolean(req.headers['api-key']);
    const status = !dialect ? 404 : !authorised ? 401 : service.refuseNew ? 503 : 0;
    if (status) {
      socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => run(ws, dialect!));
  });

  function run(ws: WebSocket, dialect: 'voicelive' | 'openai'): void {
    const record: FakeRealtimeSession = {
      dialect,
      received: [],
      session: {},
      toolOutputs: new Map(),
      said: [],
      audioBytesSent: 0,
    };
    sessions.push(record);
    const event = names(dialect);
    const send: Send = (e) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event_id: `event_${randomUUID()}`, ...e }));
    };
    const sessionId = `sess_${randomUUID()}`;
    send({ type: 'session.created', session: { id: sessionId, object: 'realtime.session' } });
    let audioMs = 0;
    let lastItem = '';
    const speak = (itemId: string, text: string, pcm: Buffer): void => {
      lastItem = itemId;
      record.said.push(text);
      record.audioBytesSent += pcm.length;
      const responseId = `resp_${randomUUID()}`;
      send({
        type: 'response.created',
        response: { id: responseId, object: 'realtime.response', status: 'in_progress', output: [] },
      });
      send({
        type: 'response.output_item.added',
        response_id: responseId,
        output_index: 0,
        item: { id: itemId, type: 'message', role: 'assistant' },
      });
      for (let at = 0; at < pcm.length; at += 4_800)
        send({
          type: event.delta,
          response_id: responseId,
          item_id: itemId,
          output_index: 0,
          content_index: 0,
          delta: pcm.subarray(at, at + 4_800).toString('base64'),
        });
      send({ type: event.done, response_id: responseId, item_id: itemId, output_index: 0, content_index: 0 });
      send({
        type: event.transcript,
        response_id: responseId,
        item_id: itemId,
        output_index: 0,
        content_index: 0,
        transcript: text,
      });
      send({
        type: 'response.done',
        response: { id: responseId, object: 'realtime.response', status: 'completed', output: [] },
      });
    };
    const toolCall = (callId: string, name: string, args: string): void => {
      const responseId = `resp_${randomUUID()}`;
      const itemId = `item_${randomUUID()}`;
      send({
        type: 'response.output_item.added',
        response_id: responseId,
        output_index: 0,
        item: { id: itemId, type: 'function_call', call_id: callId, name },
      });
      send({
        type: 'response.function_call_arguments.done',
        response_id: responseId,
        item_id: itemId,
        output_index: 0,
        call_id: callId,
        name,
        arguments: args,
      });
      send({
        type: 'response.done',
        response: { id: responseId, object: 'realtime.response', status: 'completed', output: [] },
      });
    };
    let engine: LocalAgentEngine | undefined;
    const startEngine = (instructions: string, tools: ToolSpec[]): void => {
      if (options.mode !== 'agent' || engine || !options.engine) return;
      engine = new LocalAgentEngine(
        { instructions, tools },
        {
          speechStarted: () =>
            send({
              type: 'input_audio_buffer.speech_started',
              audio_start_ms: audioMs,
              item_id: `item_${randomUUID()}`,
            }),
          speechStopped: () => {
            send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: audioMs, item_id: `item_${randomUUID()}` });
            send({ type: 'input_audio_buffer.committed', item_id: `item_${randomUUID()}` });
          },
          heard: (text) =>
            send({
              type: 'conversation.item.input_audio_transcription.completed',
              item_id: `item_${randomUUID()}`,
              content_index: 0,
              transcript: text,
            }),
          reply: speak,
          toolCall,
          failed: () => ws.close(1011),
        },
        options.engine,
      );
    };
    // Echo mode: each stretch of echoed audio between interruptions is one response item, as a model's is.
    let echoItem = `item_${randomUUID()}`;
    const control = {
      ws,
      speechStarted: () => {
        send({ type: 'input_audio_buffer.speech_started', audio_start_ms: audioMs, item_id: `item_${randomUUID()}` });
        echoItem = `item_${randomUUID()}`;
      },
      callTool: toolCall,
      lateAudio: (pcm: Buffer) =>
        send({
          type: event.delta,
          response_id: 'resp_late',
          item_id: lastItem,
          output_index: 0,
          content_index: 0,
          delta: pcm.toString('base64'),
        }),
      say: (text: string) => engine?.say(text),
    };
    open.add(control);
    ws.on('close', () => {
      open.delete(control);
      engine?.close();
    });
    ws.on('message', (raw) => {
      let e: Record<string, unknown>;
      try {
        e = JSON.parse(messageText(raw)) as Record<string, unknown>;
      } catch {
        send({
          type: 'error',
          error: { type: 'invalid_request_error', code: 'invalid_json', message: 'The event is not JSON.' },
        });
        return;
      }
      const type = String(e.type);
      record.received.push(type);
      if (type === 'input_audio_buffer.append') {
        const audio = typeof e.audio === 'string' ? e.audio : '';
        audioMs += (audio.length * 3) / 4 / 48; // 24 kHz PCM16: 48 bytes a millisecond
        if (options.mode === 'echo') {
          send({
            type: event.delta,
            response_id: 'resp_echo',
            item_id: echoItem,
            output_index: 0,
            content_index: 0,
            delta: options.echo ? options.echo(audio) : audio,
          });
          return;
        }
        engine?.appendAudio(samplesOf(Buffer.from(audio, 'base64')));
      } else if (type === 'session.update') {
        const session = (e.session ?? {}) as Record<string, unknown>;
        record.session = session;
        send({ type: 'session.updated', session: { id: sessionId, ...session } });
        const tools = Array.isArray(session.tools) ? (session.tools as ToolSpec[]) : [];
        startEngine(typeof session.instructions === 'string' ? session.instructions : '', tools);
      } else if (type === 'response.create') {
        const response = (e.response ?? {}) as { instructions?: string };
        const greeting = /exactly these words: "(.*)"/.exec(response.instructions ?? '')?.[1];
        if (greeting) engine?.say(greeting);
      } else if (type === 'response.cancel') {
        engine?.cancel();
      } else if (type === 'conversation.item.truncate') {
        send({
          type: 'conversation.item.truncated',
          item_id: e.item_id,
          content_index: 0,
          audio_end_ms: e.audio_end_ms,
        });
      } else if (type === 'conversation.item.create') {
        const item = (e.item ?? {}) as { type?: string; output?: string; call_id?: string };
        if (item.type !== 'function_call_output') return;
        record.toolOutputs.set(String(item.call_id), String(item.output ?? ''));
        engine?.toolResult(String(item.output ?? ''));
      }
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  service.url = `${tls ? 'https://localhost' : 'http://127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  return service;
}
