import { ConflictError, RemoteServiceError, UnauthorizedError } from '@switchboard/core/errors';
import type { AgentConfig, AgentReport, MediaCallState, MediaConnection } from '@switchboard/core/voiceAgentContract';

export type { AgentReport, MediaCallState, MediaConnection };

// The bridge's side of the app's routes for it: the voice-agent route (GET/POST /api/calls/{callId}/voice-agent)
// and the media route (/api/calls/{callId}/media). Each call's bearer is the per-call media token the app put in
// the stream's transport URL: only a holder of that call's stream can read its agent, steer or follow its
// orchestration. Never the Durable system API.

export interface AppApi {
  agent(callId: string, token: string): Promise<AgentConfig>;
  report(callId: string, token: string, report: AgentReport): Promise<void>;
  /**
   * Admits a stream: resolves when the app accepts it; UnauthorizedError when the token is not the call's, the ACS
   * token was used before or the connection is another call's; ConflictError when the call has ended.
   */
  connect(callId: string, token: string, connection: MediaConnection): Promise<MediaCallState>;
  /** Whether the call's orchestration runs, and at which step; UnauthorizedError when there is none (purged). */
  session(callId: string, token: string): Promise<MediaCallState>;
  /** Asks the app to hang up a call whose orchestration has ended (the app checks that it has). */
  hangUp(callId: string, token: string): Promise<void>;
}

export function appClient(baseUrl: string, timeoutMs = 5_000): AppApi {
  const base = baseUrl.replace(/\/+$/, '');
  const request = async (path: string, token: string, init: RequestInit = {}): Promise<Response> => {
    const response = await fetch(`${base}${path}`, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status === 401 || response.status === 403)
      throw new UnauthorizedError('the app refused the call token');
    if (response.status === 409) throw new ConflictError('the app says the call has ended');
    if (!response.ok)
      throw new RemoteServiceError(`the app answered HTTP ${response.status}`, { retryable: response.status >= 500 });
    return response;
  };
  const call = (callId: string, route: 'voice-agent' | 'media') => `/api/calls/${encodeURIComponent(callId)}/${route}`;
  const json = (body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    async agent(callId, token) {
      return (await (await request(call(callId, 'voice-agent'), token)).json()) as AgentConfig;
    },
    async report(callId, token, report) {
      await request(call(callId, 'voice-agent'), token, json(report));
    },
    async connect(callId, token, connection) {
      return (await (await request(call(callId, 'media'), token, json(connection))).json()) as MediaCallState;
    },
    async session(callId, token) {
      return (await (await request(call(callId, 'media'), token)).json()) as MediaCallState;
    },
    async hangUp(callId, token) {
      await request(call(callId, 'media'), token, { method: 'DELETE' });
    },
  };
}
