import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { issueServerTls } from '@switchboard/acs-emulator/certificates';

/** The HTTP endpoints a voice agent's tools call, and the request bodies they received. */
export interface ToolEndpoints {
  /** http(s)://…:{port}; the paths are /order-status (answers), /broken (HTTP 500), /slow (never answers). */
  url: string;
  bodies: unknown[];
  close(): void;
}

/**
 * A flow's tool endpoints on port 0: one answers, one fails, one never answers (the bridge's timeout ends the
 * call to it). `tls` serves https with the sandbox CA's certificate for localhost, as a flow file requires.
 */
export async function startToolEndpoints(options: { tls?: boolean } = {}): Promise<ToolEndpoints> {
  const bodies: unknown[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(body));
      if (req.url === '/order-status')
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"shipped","eta":"Friday"}');
      else if (req.url === '/broken') res.writeHead(500).end('{"error":"database down"}');
      // /slow never answers.
    });
  };
  const tls = options.tls ? await issueServerTls() : undefined;
  const server: Server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, handle) : createHttpServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: tls ? `https://localhost:${port}` : `http://127.0.0.1:${port}`,
    bodies,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}
