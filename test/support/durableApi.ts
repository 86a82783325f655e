import { waitFor } from './waitFor';

export interface InstanceStatus {
  runtimeStatus: string;
  output: unknown;
  customStatus: { step?: string } | null;
  input: unknown;
}

/** The order workflow's output in the test app: how it ended, and whose approval charged the order. */
export interface OrderOutcome {
  status: string;
  charged?: { approver?: string };
}

/**
 * A client of the host's Durable HTTP API, the same API the durable-functions DurableClient calls, holding the
 * host's `durabletask_extension` system key as an operator with access to the host's keys would.
 */
export function durableApi(host: { url: string; durableKey: string }) {
  const base = `${host.url}/runtime/webhooks/durabletask`;
  const headers = { 'x-functions-key': host.durableKey };
  const api = {
    /** A request to the API with the system key: `path` is under /runtime/webhooks/durabletask/. */
    fetch(path: string, init: RequestInit = {}): Promise<Response> {
      return fetch(`${base}/${path}`, { ...init, headers: { ...headers, ...init.headers } });
    },
    async start(orchestrator: string, instanceId: string, input: unknown): Promise<Response> {
      return api.fetch(`orchestrators/${orchestrator}/${encodeURIComponent(instanceId)}`, {
        method: 'POST',
        body: JSON.stringify(input),
      });
    },
    async status(instanceId: string): Promise<InstanceStatus | undefined> {
      // 404: no such instance; any other failure (503 while the host's storage is unreachable) is no status yet.
      const response = await api.fetch(`instances/${encodeURIComponent(instanceId)}`);
      return response.ok ? ((await response.json()) as InstanceStatus) : undefined;
    },
    async raise(instanceId: string, event: string, data: unknown): Promise<Response> {
      return api.fetch(`instances/${encodeURIComponent(instanceId)}/raiseEvent/${event}`, {
        method: 'POST',
        body: JSON.stringify(data),
      });
    },
    async terminate(instanceId: string, reason = 'test'): Promise<Response> {
      return api.fetch(`instances/${encodeURIComponent(instanceId)}/terminate?reason=${encodeURIComponent(reason)}`, {
        method: 'POST',
      });
    },
    async waitForStep(instanceId: string, step: string) {
      return waitFor(async () => (await api.status(instanceId))?.customStatus?.step === step, {
        what: `${instanceId} to reach ${step}`,
      });
    },
    async waitForEnd(instanceId: string, timeoutMs = 20_000) {
      return waitFor(
        async () => {
          const status = await api.status(instanceId);
          return status && !['Running', 'Pending'].includes(status.runtimeStatus) ? status : undefined;
        },
        { what: `${instanceId} to finish`, timeoutMs },
      );
    },
  };
  return api;
}
