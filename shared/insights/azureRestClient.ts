import { request as httpsRequest } from 'node:https';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { RemoteServiceError } from '../errors';

// A small JSON/multipart client for the Azure AI REST calls the SDK does not cover (Language
// summarization jobs, Speech fast transcription): Microsoft Entra bearer token from any TokenCredential
// (DefaultAzureCredential in Azure: managed identity), bounded retries honouring 429 Retry-After, and
// failures as RemoteServiceError with `retryable`. Messages carry status and service codes, never content.

export const COGNITIVE_SERVICES_SCOPE = 'https://cognitiveservices.azure.com/.default';

export interface AzureRestClientOptions {
  endpoint: string;
  credential: TokenCredential;
  scope?: string;
  /** Retries after the first attempt, for 429, 5xx and network errors. */
  maxRetries?: number;
  /** Backoff when the service gives no Retry-After: base * 2^attempt, capped. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  timeoutMs?: number;
  /** Extra CA certificates to trust (PEM), e.g. a local fake's; the system store otherwise. */
  ca?: string | string[];
  /** How to wait between retries (tests pass a recorder). */
  sleep?: (ms: number) => Promise<void>;
  /** Names the service in errors, e.g. "Azure AI Language". */
  serviceName?: string;
}

export interface RestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface RestRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path under the endpoint, or an absolute URL on the same host (operation-location). */
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  body?: Buffer;
  contentType?: string;
  /** Statuses that are success (default 200-299). */
  expect?: number[];
}

const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);

/** Delay the service asked for: retry-after-ms, x-ms-retry-after-ms, or Retry-After (seconds or date). */
export function retryAfterMs(headers: RestResponse['headers'], now = Date.now()): number | undefined {
  const one = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = Number(one(name));
    if (one(name) !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  }
  const value = one('retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export class AzureRestClient {
  private readonly endpoint: URL;
  private token: AccessToken | undefined;
  private readonly options: Required<Omit<AzureRestClientOptions, 'ca'>> & Pick<AzureRestClientOptions, 'ca'>;

  constructor(options: AzureRestClientOptions) {
    this.endpoint = new URL(options.endpoint.endsWith('/') ? options.endpoint : `${options.endpoint}/`);
    this.options = {
      scope: COGNITIVE_SERVICES_SCOPE,
      maxRetries: 3,
      retryDelayMs: 800,
      maxRetryDelayMs: 30_000,
      timeoutMs: 60_000,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      serviceName: 'Azure AI',
      // undefined options keep their defaults
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    } as AzureRestClient['options'];
  }

  async request(req: RestRequest): Promise<RestResponse> {
    const { maxRetries, retryDelayMs, maxRetryDelayMs, sleep, serviceName } = this.options;
    for (let attempt = 0; ; attempt++) {
      let response: RestResponse;
      try {
        response = await this.send(req, await this.bearer());
      } catch (error) {
        if (error instanceof RemoteServiceError) throw error;
        if (attempt < maxRetries) {
          await sleep(Math.min(maxRetryDelayMs, retryDelayMs * 2 ** attempt));
          continue;
        }
        throw new RemoteServiceError(
          `${serviceName} could not be reached (${(error as NodeJS.ErrnoException).code ?? 'network error'}) after ${attempt + 1} attempts`,
          {
            cause: error,
            retryable: true,
          },
        );
      }
      const ok = req.expect ? req.expect.includes(response.status) : response.status >= 200 && response.status < 300;
      if (ok) return response;
      if (response.status === 401) this.token = undefined;
      const retryable = RETRYABLE.has(response.status);
      if (retryable && attempt < maxRetries) {
        await sleep(Math.min(maxRetryDelayMs, retryAfterMs(response.headers) ?? retryDelayMs * 2 ** attempt));
        continue;
      }
      const error = (response.body as { error?: { code?: string; innererror?: { code?: string } } } | undefined)?.error;
      const code = [error?.code, error?.innererror?.code].filter(Boolean).join('/');
      throw new RemoteServiceError(
        `${serviceName} answered ${response.status}${code ? ` (${code})` : ''} to ${req.method} ${new URL(req.path, this.endpoint).pathname}${retryable ? ` after ${attempt + 1} attempts` : ''}`,
        { status: response.status, retryable },
      );
    }
  }

  private async bearer(): Promise<string> {
    // Reuse a token until two minutes before it expires; credentials cache too, this saves the call.
    if (!this.token || this.token.expiresOnTimestamp - Date.now() < 120_000) {
      const token = await this.options.credential.getToken(this.options.scope);
      if (!token) throw new RemoteServiceError(`No access token for ${this.options.serviceName}`, { retryable: false });
      this.token = token;
    }
    return this.token.token;
  }

  private send(req: RestRequest, token: string): Promise<RestResponse> {
    const url = new URL(req.path, this.endpoint);
    // Like the Azure SDK: bearer tokens go only over https, and only to the configured host.
    if (url.protocol !== 'https:')
      return Promise.reject(
        new RemoteServiceError(`Refusing to send a bearer token over ${url.protocol} (use an https endpoint)`),
      );
    if (url.host !== this.endpoint.host)
      return Promise.reject(new RemoteServiceError(`Refusing to send a token to another host (${url.host})`));
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
    const body = req.json !== undefined ? Buffer.from(JSON.stringify(req.json)) : req.body;
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (body) {
      headers['content-type'] =
        req.json !== undefined ? 'application/json' : (req.contentType ?? 'application/octet-stream');
      headers['content-length'] = String(body.length);
    }
    return new Promise<RestResponse>((resolve, reject) => {
      const r = httpsRequest(
        url,
        {
          method: req.method,
          headers,
          timeout: this.options.timeoutMs,
          ...(this.options.ca ? { ca: this.options.ca } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            if (text && /json/.test(String(res.headers['content-type']))) {
              try {
                parsed = JSON.parse(text);
              } catch {
                parsed = undefined;
              }
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
          });
        },
      );
      r.on('timeout', () => r.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })));
      r.on('error', reject);
      r.end(body);
    });
  }
}
