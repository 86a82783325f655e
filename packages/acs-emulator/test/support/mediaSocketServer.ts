// A stand-in for an app's media / transcription WebSocket endpoint: records each connection's headers and
// frames, and lets tests wait for frames with a timeout.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { messageText } from '../../src/media/messageText';

/** A frame ACS sends on a media or transcription WebSocket, with the fields tests read. */
export interface MediaFrame {
  kind?: string;
  audioMetadata?: { sampleRate?: number; encoding?: string };
  audioData?: { data: string; silent?: boolean; participantRawID?: string };
  dtmfData?: { data: string };
  transcriptionData?: { text?: string; participantRawID?: string; words?: unknown[]; resultStatus?: string };
}

export interface MediaConnection {
  headers: IncomingHttpHeaders;
  socket: WebSocket;
  frames: Array<{ at: number; frame: MediaFrame }>;
  closed: boolean;
}

export class MediaSocketServer {
  readonly connections: MediaConnection[] = [];
  private readonly waiters = new Set<() => void>();
  private server?: Server;
  private wss?: WebSocketServer;
  url = '';

  async start(): Promise<this> {
    this.server = createServer();
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (socket, req) => {
      const connection: MediaConnection = { headers: req.headers, socket, frames: [], closed: false };
      this.connections.push(connection);
      socket.on('message', (raw) => {
        connection.frames.push({ at: Date.now(), frame: JSON.parse(messageText(raw)) as MediaFrame });
        this.wake();
      });
      socket.on('close', () => {
        connection.closed = true;
        this.wake();
      });
      this.wake();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/ws`;
    return this;
  }

  /** Resolves with the check's value once it is defined. */
  until<T>(check: () => T | undefined, timeoutMs = 10_000, what = 'media frames'): Promise<T> {
    const found = check();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`No ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const wake = (): void => {
        const value = check();
        if (value === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(value);
      };
      this.waiters.add(wake);
    });
  }

  async close(): Promise<void> {
    for (const client of this.wss?.clients ?? []) client.terminate();
    this.wss?.close();
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
