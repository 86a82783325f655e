import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { TokenSigner } from '../tokenSigner';
import { messageText } from './messageText';

// What ACS does to the media bridge, for tests and benchmarks: signs RS256 connection tokens (served from a
// JWKS on a free port) and connects as a call's media stream, sending AudioMetadata / AudioData frames and
// recording what the bridge sends back.

export const ISSUER = 'https://acscallautomation.communication.azure.com';
export const AUDIENCE = 'test-acs-resource';

/** What a verifier needs to check the tokens these keys sign (the app's ACS_CALLBACK_* settings). */
export interface SignedTokenTrust {
  jwksUrl: string;
  issuer: string;
  audience: string;
}

export interface AcsKeys {
  token: SignedTokenTrust;
  sign(claims?: Record<string, unknown>, lifetimeSeconds?: number): Promise<string>;
  close(): Promise<void>;
}

export async function startAcsKeys(): Promise<AcsKeys> {
  const signer = new TokenSigner();
  const server: Server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [signer.jwk()] })),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    token: {
      jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/calling/keys`,
      issuer: ISSUER,
      audience: AUDIENCE,
    },
    sign: (claims = {}, lifetimeSeconds = 300) =>
      signer.sign({ iss: ISSUER, aud: AUDIENCE, ...claims }, lifetimeSeconds),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface MediaClient {
  ws: WebSocket;
  /** Frames the bridge sent, in order: 'audio' for audioData, 'stop' for stopAudio. */
  received: ('audio' | 'stop')[];
  /** Bytes of agent audio received. */
  audioBytes: number;
  /** The agent audio frames received, in order (PCM16). */
  frames: Buffer[];
  /** Sends PCM16 as 20 ms AudioData frames (as fast as the socket takes them). */
  sendPcm(pcm: Buffer, sampleRate?: number): void;
  close(): void;
}

/** Connects as ACS's media stream for a call; rejects with the HTTP status when refused. */
export async function connectAsAcs(
  bridgeUrl: string,
  options: {
    callId: string;
    callToken?: string;
    authorization?: string;
    sampleRate?: number;
    kind?: 'transcription';
    /** Sent as ACS sends them on the upgrade (x-ms-call-connection-id, x-ms-call-correlation-id). */
    callConnectionId?: string;
    correlationId?: string;
  },
): Promise<MediaClient> {
  const query = new URLSearchParams({ callId: options.callId });
  if (options.callToken) query.set('token', options.callToken);
  if (options.kind) query.set('kind', options.kind);
  const headers: Record<string, string> = options.authorization ? { authorization: options.authorization } : {};
  if (options.callConnectionId) headers['x-ms-call-connection-id'] = options.callConnectionId;
  if (options.correlationId) headers['x-ms-call-correlation-id'] = options.correlationId;
  const ws = new WebSocket(`${bridgeUrl}?${query.toString()}`, { headers });
  const client: MediaClient = {
    ws,
    received: [],
    audioBytes: 0,
    frames: [],
    sendPcm(pcm, sampleRate = options.sampleRate ?? 24_000) {
      const frameBytes = (sampleRate * 2 * 20) / 1000;
      for (let at = 0; at < pcm.length; at += frameBytes) {
        const frame = Buffer.alloc(frameBytes);
        pcm.copy(frame, 0, at, Math.min(pcm.length, at + frameBytes));
        ws.send(
          JSON.stringify({
            kind: 'AudioData',
            audioData: { data: frame.toString('base64'), timestamp: new Date().toISOString(), silent: false },
          }),
        );
      }
    },
    close: () => ws.close(1000),
  };
  ws.on('message', (raw) => {
    const frame = JSON.parse(messageText(raw)) as { kind?: string; audioData?: { data?: string } };
    if (frame.kind === 'stopAudio') client.received.push('stop');
    else if (frame.kind === 'audioData') {
      client.received.push('audio');
      const pcm = Buffer.from(frame.audioData?.data ?? '', 'base64');
      client.frames.push(pcm);
      client.audioBytes += pcm.length;
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  if (!options.kind) {
    const sampleRate = options.sampleRate ?? 24_000;
    ws.send(
      JSON.stringify({
        kind: 'AudioMetadata',
        audioMetadata: {
          subscriptionId: 'sub',
          encoding: 'PCM',
          sampleRate,
          channels: 1,
          length: (sampleRate * 2 * 20) / 1000,
        },
      }),
    );
  }
  return client;
}
