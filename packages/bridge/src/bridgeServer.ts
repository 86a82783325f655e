import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { verifyCallbackToken, type CallbackTokenOptions, CallbackTokenError } from '@switchboard/core/acs/verifyCallbackToken';
import { FrameError, readInboundFrame } from './acsMediaFrames';
import type { ToolContext } from './agentTools';
import type { AppApi } from './appClient';
import { FrameClock } from './frameClock';
import { CONVERSATION_ID } from '@switchboard/core/conversation';
import { LiveTranscript, type TranscriptStore } from './liveTranscript';
import type { VoiceModelProvider } from './providers/voiceModel';
import { VoiceCall } from './voiceCall';

// The media bridge's WebSocket service. Every connection is verified (ACS's RS256 JWT, audience = the ACS
// immutable resource id) BEFORE the upgrade completes, and a call gets one audio and one transcription
// connection at most. Audio connections run the voice agent; transcription connections feed the live
// transcript. The transcript is written when a call's last connection closes.

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

function refuse(socket: Socket, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

interface CallState {
  transcript: LiveTranscript;
  connections: Set<string>;
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

  const release = async (callId: string, key: string): Promise<void> => {
    const state = calls.get(callId);
    if (!state) return;
    state.connections.delete(key);
    if (state.connections.size) return;
    calls.delete(callId);
    if (!state.transcript.turnCount) return;
    await options.transcripts
      .save(state.transcript.toConversation())
      .catch((error: Error) => log('could not write the live transcript', { callId, error: error.name }));
  };

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://bridge');
    const callId = url.searchParams.get('callId') ?? '';
    const kind = url.searchParams.get('kind') === 'transcription' ? 'transcription' : 'audio';
    const callToken = url.searchParams.get('token') ?? '';
    if (!CONVERSATION_ID.test(callId) || (kind === 'audio' && !callToken)) {
      stats.refused += 1;
      refuse(socket, 400, 'Bad Request');
      return;
    }
    const key = `${callId}/${kind}`;
    // Reserve the call's slot now, so a second connection racing the first is refused too.
    const state = calls.get(callId) ?? { transcript: new LiveTranscript(callId), connections: new Set<string>() };
    if (state.connections.has(key)) {
      stats.refused += 1;
      refuse(socket, 409, 'Conflict');
      return;
    }
    state.connections.add(key);
    calls.set(callId, state);
    verifyCallbackToken(req.headers.authorization, options.token)
      .then(() => {
        wss.handleUpgrade(req, socket, head, (ws) => {
          if (kind === 'audio') runAudio(ws, callId, callToken, state, key);
          else runTranscription(ws, callId, state, key);
        });
      })
      .catch((error: unknown) => {
        stats.refused += 1;
        const reason = error instanceof CallbackTokenError ? error.reason : 'error';
        log('media connection refused', { callId, reason });
        void release(callId, key);
        refuse(
          socket,
          reason === 'keys-unavailable' ? 503 : 401,
          reason === 'keys-unavailable' ? 'Service Unavailable' : 'Unauthorized',
        );
      });
  });

  function runAudio(ws: WebSocket, callId: string, callToken: string, state: CallState, key: string): void {
    const call = new VoiceCall(callId, callToken, (frame) => ws.readyState === ws.OPEN && ws.send(frame, TEXT), {
      provider: options.provider,
      app: options.app,
      clock,
      transcript: state.transcript,
      apology: options.apology,
      tools: options.tools,
      log,
      onStopAudio: () => (stats.stopAudioSent += 1),
      appendMs: options.appendMs,
    });
    void call.start();
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
      void call.close().finally(() => release(callId, key));
    });
    ws.on('error', () => ws.terminate());
  }

  function runTranscription(ws: WebSocket, callId: string, state: CallState, key: string): void {
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
    ws.on('close', () => void release(callId, key));
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
