// One HTTP POST of a JSON body with a timeout; used for callbacks and Event Grid. Never throws.

export interface DeliveryResult {
  status?: number;
  body?: string;
  error?: string;
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<DeliveryResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return { status: res.status, body: text };
  } catch (err) {
    const e = err as Error;
    return { error: e.name === 'TimeoutError' ? 'timeout' : e.message };
  }
}
