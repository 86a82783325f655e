// The sandbox console: a page (bundled at build time into packages/console/dist/src/public) and its API on one
// plain-HTTP origin bound to the loopback address. The timeline and call audio WebSockets are relayed from
// the emulator, so the browser never has to trust the sandbox CA.
import { createReadStream, existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve } from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { ValidationError } from '@switchboard/core/errors';
import { BodyTooLargeError, readBody, sendJson } from '@switchboard/acs-emulator/server/readBody';
import { Router, type Route } from '@switchboard/acs-emulator/server/router';
import { BLOB_CONTAINERS, ConsoleApi, type ConsoleBackends } from './consoleApi';
import { ConsoleChat } from './consoleChat';

export interface ConsoleOptions extends ConsoleBackends {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The bundled page; default: `public/` beside this file in dist. */
  publicDir?: string;
  /** Chat as a customer with the app's chat bot (its ACS user id); without it the chat routes say so. */
  chat?: { connectionString: string; botUserId: string };
  /** What `npm start` found missing (offline speech), one line each with its fix: the page shows them. */
  problems?: string[];
  /** The media bridge's voice model provider (local, voicelive, openai-realtime), shown on the page. */
  voiceProvider?: string;
}

export interface ConsoleServer {
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

const MAX_BODY = 64 * 1024;

interface ConsoleRoute extends Route {
  handler(req: IncomingMessage, res: ServerResponse, params: string[]): void | Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let raw: string;
  try {
    raw = (await readBody(req, MAX_BODY)).toString('utf8');
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new ValidationError(error.message);
    throw error;
  }
  try {
    return raw ? (JSON.parse(raw) as unknown) : {};
  } catch {
    throw new ValidationError('The request body is not JSON.');
  }
}

export async function startConsole(options: ConsoleOptions): Promise<ConsoleServer> {
  const api = new ConsoleApi(options);
  const chat = options.chat
    ? new ConsoleChat(new URL(options.controlUrl).origin, options.chat.connectionString, options.chat.botUserId)
    : undefined;
  const publicDir = options.publicDir ?? resolve(__dirname, 'public');
  if (!existsSync(join(publicDir, 'index.html')))
    throw new Error(`The console page is not built (${publicDir}/index.html is missing): run \`npm run build\`.`);

  const serveStatic = (path: string, res: ServerResponse): boolean => {
    const file = path === '/' ? 'index.html' : path.slice(1);
    if (!/^[\w.-]+$/.test(file) || !TYPES[extname(file)]) return false;
    const full = join(publicDir, file);
    if (!existsSync(full)) return false;
    res.writeHead(200, { 'content-type': TYPES[extname(file)], 'cache-control': 'no-cache' });
    createReadStream(full).pipe(res);
    return true;
  };

  const serveBlob = async (container: string, name: string, res: ServerResponse): Promise<void> => {
    const blob = options.blobs.getContainerClient(container).getBlobClient(name);
    if (!(await blob.exists())) return sendJson(res, 404, { error: `No blob ${container}/${name}.` });
    const download = await blob.download();
    res.writeHead(200, { 'content-type': download.contentType ?? 'application/octet-stream' });
    (download.readableStreamBody as NodeJS.ReadableStream).pipe(res);
  };

  const needChat = () => {
    if (!chat) throw new RangeError('Chat needs the bot identity (CHAT_BOT_USER_ID).');
    return chat;
  };
  const router = new Router<ConsoleRoute>([
    {
      method: 'POST',
      pattern: /^\/api\/outbound$/,
      handler: async (req, res) => {
        const reply = await api.placeOutbound(await readJson(req));
        sendJson(res, reply.status, reply.body);
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/chat\/threads$/,
      handler: async (req, res) => {
        const body = (await readJson(req)) as { name?: unknown };
        const name = typeof body.name === 'string' && body.name ? body.name : 'Customer';
        sendJson(res, 201, { threadId: await needChat().start(name) });
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/chat\/threads\/([^/]+)\/messages$/,
      handler: async (_req, res, [threadId]) => sendJson(res, 200, { value: await needChat().lines(threadId) }),
    },
    {
      method: 'POST',
      pattern: /^\/api\/chat\/threads\/([^/]+)\/messages$/,
      handler: async (req, res, [threadId]) => {
        const content = (await readJson(req)) as { content?: unknown };
        if (typeof content.content !== 'string' || !content.content.trim())
          return sendJson(res, 400, { error: "'content' is required." });
        await needChat().send(threadId, content.content);
        sendJson(res, 202, {});
      },
    },
    { method: 'GET', pattern: /^\/api\/flows$/, handler: (_req, res) => sendJson(res, 200, api.flowsView()) },
    {
      method: 'GET',
      pattern: /^\/api\/sandbox$/,
      handler: (_req, res) =>
        sendJson(res, 200, { problems: options.problems ?? [], voiceProvider: options.voiceProvider ?? 'local' }),
    },
    {
      method: 'GET',
      pattern: /^\/api\/calls$/,
      handler: async (_req, res) => sendJson(res, 200, { value: await api.calls() }),
    },
    {
      method: 'GET',
      pattern: /^\/api\/calls\/([\w-]{1,64})\/artifacts$/,
      handler: async (_req, res, [callId]) => sendJson(res, 200, await api.artifacts(callId)),
    },
    {
      method: 'GET',
      pattern: /^\/api\/blobs\/([\w-]+)\/([\w./-]{1,300})$/,
      handler: async (_req, res, [container, name]) => {
        if (!BLOB_CONTAINERS.includes(container) || name.includes('..'))
          return sendJson(res, 404, { error: `Nothing at GET /api/blobs/${container}/${name}.` });
        await serveBlob(container, name, res);
      },
    },
  ]);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://console');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' && serveStatic(path, res)) return;
    if (path.startsWith('/api/control/')) {
      // The relay passes any method the console allows on to the emulator's control API.
      const rest = path.slice('/api/control'.length);
      if (!api.allowedControl(method, rest))
        return sendJson(res, 404, { error: `The console does not relay ${method} ${rest}.` });
      const reply = await api.control(method, rest + url.search, method === 'GET' ? undefined : await readJson(req));
      return sendJson(res, reply.status, reply.body);
    }
    const found = router.match(method, path);
    if (found.route) return found.route.handler(req, res, found.params);
    sendJson(res, 404, { error: `Nothing at ${method} ${path}.` });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof ValidationError) return sendJson(res, 400, { error: error.message });
      if (error instanceof RangeError) return sendJson(res, 404, { error: error.message });
      const message = error instanceof Error ? error.message : 'unknown error';
      if (!res.headersSent) sendJson(res, 502, { error: `The console could not answer: ${message}` });
      else res.destroy();
    });
  });

  // Relays a WebSocket from the emulator to the page, frame for frame, closing each side with the other.
  const wss = new WebSocketServer({ noServer: true });
  const controlWs = options.controlUrl.replace(/^https:/, 'wss:');
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://console');
    const audio = /^\/api\/calls\/([^/]+)\/(audio|microphone)$/.exec(url.pathname);
    const target =
      url.pathname === '/api/timeline'
        ? `${controlWs}/timeline/stream${url.search}`
        : audio
          ? `${controlWs}/calls/${audio[1]}/${audio[2]}`
          : undefined;
    if (!target) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (client) => {
      const upstream = new WebSocket(target, { ca: options.caPem });
      const pending: Array<{ data: WebSocket.RawData; binary: boolean }> = [];
      upstream.on('message', (data, binary) => client.send(data, { binary }));
      client.on('message', (data, binary) => {
        if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary });
        else pending.push({ data, binary });
      });
      upstream.on('open', () => {
        for (const frame of pending.splice(0)) upstream.send(frame.data, { binary: frame.binary });
      });
      const closeBoth = () => {
        client.close();
        upstream.close();
      };
      upstream.on('close', closeBoth);
      upstream.on('error', () => client.close(1011, 'The emulator socket failed.'));
      client.on('close', () => upstream.terminate());
      client.on('error', () => upstream.terminate());
    });
  });

  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => ready());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      api.close();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    },
  };
}
