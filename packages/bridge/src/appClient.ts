import { RemoteServiceError, UnauthorizedError } from '@switchboard/core/errors';
import type { AgentConfig, AgentReport } from '@switchboard/core/voiceAgentContract';

export type { AgentReport };

// The bridge's side of the app's voice-agent route (GET/POST /api/calls/{callId}/voice-agent). Each call's
// bearer is the per-call media token the app put in the stream's transport URL: only a holder of that
// call's stream can read its agent or steer its orchestration. Never the Durable system API.

export interface AppApi {
  agent(callId: string, token: string): Promise<AgentConfig>;
  report(callId: string, token: string, report: AgentReport): Promise<void>;
}

export function appClient(baseUrl: string, timeoutMs = 5_000): AppApi {
  const url = (callId: string) => `${baseUrl.replace(/\/+$/, '')}/api/calls/${encodeURIComponent(callId)}/voice-agent`;
  const request = async (callId: string, token: string, init: RequestInit = {}): Promise<Response> => {
    const response = await fetch(url(callId), {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status === 401 || response.status === 403)
      throw new UnauthorizedError('the app refused the call token');
    if (!response.ok)
      throw new RemoteServiceError(`the app's voice-agent route answered HTTP ${response.status}`, {
        retryable: response.status >= 500,
      });
    return response;
  };
  return {
    async agent(callId, token) {
      return (await (await request(callId, token)).json()) as AgentConfig;
    },
    async report(callId, token, report) {
      await request(callId, token, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(report),
      });
    },
  };
}
