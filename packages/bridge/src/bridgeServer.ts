import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { tokenReplayId } from '@switchboard/core/acs/tokenReplayId';
import {
  verifyCallbackToken,
  type CallbackTokenOptions,
  CallbackTokenError,
} from '@switchboard/core/acs/verifyCallbackToken';
import type { MediaKind } from '@switchboard/core/voiceAgentContract';
import { ConflictError, UnauthorizedError } from '@switchboard/core/errors';
import { FrameError, readInboundFrame } from './acsMediaFrames';
import type { ToolContext } from './agentTools';
import type { AppApi } from './appClient';
import { FrameClock } from './frameClock';
import { CONVERSATION_ID } from '@switchboard/core/conversation';
import { LiveTranscript, type TranscriptStore } from './liveTranscript';
import type { VoiceModelProvider } from './providers/voiceModel';
import { VoiceCall } from './voiceCall';

// The media bridge's WebSocket service. Before an upgrade completes, every connection is verified: ACS's RS256
// JWT (audience = the ACS immutable resource id), then the app admits it (POST /api/calls/{callId}/media) only
// for the call whose media token is in the URL, while that call runs, when ACS's x-ms-call-connection-id header
// names that call's connection, and when the ACS token has never been used, here or as a callback. Nothing about
// a call (not even whether it is live) is told to a client that fails these checks. A call has one audio and one
// transcription stream: a verified reconnect (ACS opening the stream again, with a fresh token, while the old
// socket still looks open) takes the old one's place, and the agent carries on. Audio streams run the voice
// agent; transcription streams feed the live transcript, written when the call's last stream closes.

export interface BridgeOptions {
  port?: number;
  host?: string;
  token: CallbackTokenOptions;
  provider: VoiceModelProvider;
  app: AppApi;
  transcripts: TranscriptStore;
  apology: Buffer;
  tools?: ToolContext;
  log?: (message: string, properties?: Record<string, unknown>) => void;
  /** Largest inbound frame (bytes); ACS audio frames are ~1.3 KB. */
  maxFrameBytes?: number;
  /** Caller audio per model append (ms, a multiple of 20); 100 unless set. */
  appendMs?: number;
  /** How often a voice agent's call is checked with the app (ms); 5 s unless set (bridge/callWatch.ts). */
  checkMs?: number;
}

export interface Bridge {
  url: string;
  port: number;
  clock: FrameClock;
  /** Counters for health and benchmarks. */
  stats: { refused: number; badFrames: number; stopAudioSent: number };
  close(): Promise<void>;
}

/** Frames to ACS are text, whether given as a string or as its bytes. */
const TEXT = { binary: false } as const;

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  410: 'Gone',
  503: 'Service Unavailable',
};

function refuse(socket: Socket, status: number): void {
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** The call's media token as the app writes it in the transport URL (tests use their own, of the same alphabet). */
const MEDIA_TOKEN = /^[\w-]{1,200}$/;

interface CallState {
  transcript: LiveTranscript;
  /** The open stream of each kind: a verified reconnect replaces it. */
  streams: Map<MediaKind, WebSocket>;
  /** The voice agent, while the call has an audio stream. */
  agent?: VoiceCall;
}

/** A single-valued request header (ACS's x-ms-* headers), or undefined. */
function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const log = options.log ?? (() => undefined);
  const clock = new FrameClock();
  const stats = { refused: 0, badFrames: 0, stopAudioSent: 0 };
  const calls = new Map<string, CallState>();
  // No compression: audio frames gain little from it and would pay zlib on every one.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxFrameBytes ?? 64 * 1024,
    perMessageDeflate: false,
  });

  const server: Server = createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    res.writeHead(426, { 'content-type': 'application/json' }).end('{"error":"connect with a WebSocket"}');
  });

  /** The stream `ws` of the call is closed: the transcript is written once the call's last stream closes. */
  const release = async (callId: string, kind: MediaKind, ws: WebSocket): Promise<void> => {
    const state = calls.get(callId);
    if (!state || state.streams.get(kind) !== ws) return; // replaced by a reconnect, or already released
    state.streams.delete(kind);
    if (state.streams.size) return;
    calls.delete(callId);
    if (!state.transcript.turnCount) return;
    await options.transcripts
      .save(state.transcript.toConversation())
      .catch((error: Error) => log('could not write the live transcript', { callId, error: error.name }));
  };

  /** Whether ACS's stream may open: the HTTP status to refuse it with, or 0. Checks the token before anything. */
  async function admit(req: IncomingMessage, callId: string, kind: MediaKind, callToken: string): Promise<number> {
    let expiresAt: number;
    try {
      expiresAt = (await verifyCallbackToken(req.headers.authorization, options.token)).exp ?? 0;
    } catch (error) {
      const reason = error instanceof CallbackTokenError ? error.reason : 'error';
      log('media connection refused', { callId, kind, reason });
      return reason === 'keys-unavailable' ? 503 : 401;
    }
    try {
      await options.app.connect(callId, callToken, {
        kind,
        tokenId: tokenReplayId(req.headers.authorization),
        expiresAt,
        callConnectionId: header(req, 'x-ms-call-connection-id'),
      });
      return 0;
    } catch (error) {
      const status = error instanceof UnauthorizedError ? 401 : error instanceof ConflictError ? 410 : 503;
      log('media connection refused by the app', { callId, kind, status, error: (error as Error).name });
      return status;
    }
  }

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://bridge');
    const callId = url.searchParams.get('callId') ?? '';
    const kind: MediaKind = url.searchParams.get('kind') === 'transcription' ? 'transcription' : 'audio';
    const callToken = url.searchParams.get('token') ?? '';
    if (!CONVERSATION_ID.test(callId) || !MEDIA_TOKEN.test(callToken)) {
      stats.refused += 1;
      refuse(socket, 400);
      return;
    }
    void admit(req, callId, kind, callToken).then((status) => {
      if (status) {
        stats.refused += 1;
        refuse(socket, status);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const state = calls.get(callId) ?? {
          transcript: new LiveTranscript(callId),
          streams: new Map<MediaKind, WebSocket>(),
        };
        calls.set(callId, state);
        const previous = state.streams.get(kind);
        state.streams.set(kind, ws);
        log('media stream connected', {
          callId,
          kind,
          correlationId: header(req, 'x-ms-call-correlation-id'),
          reconnect: Boolean(previous),
        });
        // The reconnect takes over: the old socket's close no longer ends anything (see release).
        previous?.terminate();
        if (kind === 'audio') runAudio(ws, callId, callToken, state);
        else runTranscription(ws, callId, state);
      });
    });
  });

  function runAudio(ws: WebSocket, callId: string, callToken: string, state: CallState): void {
    // One agent per call: a reconnect's socket carries on with it (frames go to whichever socket is current).
    const call =
      state.agent ??
      new VoiceCall(
        callId,
        callToken,
        (frame) => {
          const current = state.streams.get('audio');
          if (current && current.readyState === current.OPEN) current.send(frame, TEXT);
        },
        {
          provider: options.provider,
          app: options.app,
          clock,
          transcript: state.transcript,
          apology: options.apology,
          tools: options.tools,
          log,
          onStopAudio: () => (stats.stopAudioSent += 1),
          appendMs: options.appendMs,
          checkMs: options.checkMs,
          endStreams: () => {
            for (const stream of state.streams.values()) stream.close(1000);
          },
        },
      );
    if (!state.agent) {
      state.agent = call;
      void call.start();
    }
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        stats.badFrames += 1;
        return;
      }
      try {
        const frame = readInboundFrame(data);
        if (frame.kind === 'AudioMetadata') call.setFormat(Number(frame.audioMetadata.sampleRate));
        else if (frame.kind === 'AudioData') {
          // A frame that names its speaker is from an unmixed stream (null and "" name no one).
          const { data, participantRawID: speaker, silent } = frame.audioData;
          call.audio(data, typeof speaker === 'string' && speaker ? speaker : undefined, silent === true);
        }
        // DtmfData: keys are not passed to the model (digits are personal data); the agent talks.
      } catch (error) {
        stats.badFrames += 1;
        if (!(error instanceof FrameError)) throw error;
      }
    });
    ws.on('close', () => {
      if (state.streams.get('audio') !== ws) return; // replaced by a reconnect: the agent carries on
      state.agent = undefined;
      void call.close().finally(() => release(callId, 'audio', ws));
    });
    ws.on('error', () => ws.terminate());
  }

  function runTranscription(ws: WebSocket, callId: string, state: CallState): void {
    state.transcript.callerFromTranscription = true;
    ws.on('message', (data: RawData) => {
      try {
        const frame = readInboundFrame(data);
        if (frame.kind !== 'TranscriptionData') return;
        const t = frame.transcriptionData;
        if (t.resultStatus && t.resultStatus !== 'Final') return;
        state.transcript.caller(t.text, {
          speaker: t.participantRawID,
          offsetMs: t.offset !== undefined ? t.offset / 10_000 : undefined,
          durationMs: t.duration !== undefined ? t.duration / 10_000 : undefined,
          confidence: t.confidence,
          fromTranscription: true,
        });
      } catch (error) {
        stats.badFrames += 1;
        if (!(error instanceof FrameError)) throw error;
      }
    });
    ws.on('close', () => void release(callId, 'transcription', ws));
    ws.on('error', () => ws.terminate());
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://${options.host ?? '127.0.0.1'}:${port}/media`,
    port,
    clock,
    stats,
    async close() {
      clock.stop();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
