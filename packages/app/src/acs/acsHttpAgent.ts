import type { Agent } from 'node:http';
import { httpsProxyFromEnv, TunnelPoolAgent } from '@switchboard/core/net/tunnelPoolAgent';

let shared: Agent | undefined;

/**
 * The connection agent for ACS clients: undefined (the SDK's own, kept-alive connections) unless HTTPS_PROXY is
 * set; then one pool of proxy tunnels, kept alive and reused, shared by every ACS client (TunnelPoolAgent). A
 * tunnel per request cost both ends about 3 ms of CPU, the largest part of answering a call in the sandbox.
 */
export function acsHttpAgent(): Agent | undefined {
  const proxy = httpsProxyFromEnv();
  if (!proxy) return undefined;
  return (shared ??= new TunnelPoolAgent(proxy));
}
