import type { ClientRequest } from 'node:http';
import { connect as netConnect, isIP, Socket as NetSocket, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';

type ConnectOptions = Parameters<HttpsProxyAgent<string>['connect']>[1];

// Kept-alive connections for Azure SDK clients behind HTTPS_PROXY. The SDK's own proxy support opens a new CONNECT
// tunnel and a new TLS handshake for every request: https-proxy-agent names a tunnel one way when it is freed and
// another when one is looked for, so it never reuses one.

/** The HTTPS proxy the environment names (HTTPS_PROXY or https_proxy), if any. */
export function httpsProxyFromEnv(): string | undefined {
  return process.env.HTTPS_PROXY || process.env.https_proxy || undefined;
}

/**
 * Tunnels through the proxy, or connects directly where NO_PROXY says so. The choice is made per connection
 * from where it goes, not from the client's endpoint, so a recording download the SDK re-targets at another host
 * takes the route that host needs.
 */
export class TunnelPoolAgent extends HttpsProxyAgent<string> {
  /** `maxSockets` bounds the connections (tunnels or direct) per destination; unbounded by default. */
  constructor(proxy: string, options: { maxSockets?: number } = {}) {
    super(proxy, { keepAlive: true, ...options });
    // For https destinations only. Pinned, because agent-base otherwise works the protocol out from a new Error's
    // stack each time node reads it, which is once per request: ~6% of the host's CPU in a 200-call burst.
    this.protocol = 'https:';
  }

  override getName(options?: ConnectOptions): string {
    const servername = options && 'servername' in options ? options.servername : '';
    return `${options?.host ?? ''}:${options?.port ?? ''}:${servername ?? ''}`;
  }

  // An idle pooled connection must not keep the process alive; for TLS inside a tunnel, the tunnel is what holds
  // it, and http.Agent only (un)refs the TLS socket.
  // (node's typings say void; at run time it answers whether the socket is kept)
  override keepSocketAlive(socket: Socket): void {
    const kept = super.keepSocketAlive(socket) as unknown as boolean;
    if (kept) tunnelOf(socket)?.unref();
    return kept as unknown as void;
  }

  override reuseSocket(socket: Socket, req: ClientRequest): void {
    super.reuseSocket(socket, req);
    tunnelOf(socket)?.ref();
  }

  override async connect(req: ClientRequest, options: ConnectOptions): Promise<Socket> {
    const scheme = options.secureEndpoint ? 'https' : 'http';
    if (getProxyForUrl(`${scheme}://${options.host}:${options.port}/`)) return super.connect(req, options);
    if (!options.secureEndpoint) return netConnect(options);
    const host = options.host ?? 'localhost';
    const servername = options.servername ?? (isIP(host) ? undefined : host);
    return tlsConnect({ ...options, servername });
  }
}

/** The proxy connection under a TLS socket opened through it (node keeps it as `_parent`). */
function tunnelOf(socket: Socket): Socket | undefined {
  const parent = (socket as Socket & { _parent?: unknown })._parent;
  return parent instanceof NetSocket ? parent : undefined;
}
