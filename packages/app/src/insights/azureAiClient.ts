import { getClient, type Client, type HttpResponse } from '@azure-rest/core-client';
import { createHttpPoller, type LongRunningOperation, type LroResponse, type OperationState } from '@azure/core-lro';
import type { TokenCredential } from '@azure/identity';
import { RemoteServiceError } from '@switchboard/core/errors';

// The Azure AI REST calls no SDK here covers (Language conversation summarization jobs, Speech fast
// transcription), on the Azure SDK's own REST client: its pipeline gets and caches the Microsoft Entra token
// (managed identity in Azure), refuses to send it over plain http, and retries 408, 429 and 5xx and network
// errors with backoff or as long as Retry-After says. Failures become RemoteServiceError with `retryable`;
// messages carry status and service codes, never content.

export const COGNITIVE_SERVICES_SCOPE = 'https://cognitiveservices.azure.com/.default';

export interface AzureAiClientOptions {
  endpoint: string;
  credential: TokenCredential;
  /** Names the service in errors, e.g. "Azure AI Language". */
  serviceName: string;
  /** Retries after the first attempt. */
  maxRetries?: number;
  /** Backoff when the service gives no Retry-After: doubling from this, with jitter. */
  retryDelayMs?: number;
  /** Extra CA certificates to trust (PEM), e.g. a local fake's; the system store otherwise. */
  ca?: string;
}

export interface AzureAiClient {
  rest: Client;
  endpoint: URL;
  serviceName: string;
}

export function azureAiClient(options: AzureAiClientOptions): AzureAiClient {
  const rest = getClient(options.endpoint, options.credential, {
    credentials: { scopes: [COGNITIVE_SERVICES_SCOPE] },
    retryOptions: { maxRetries: options.maxRetries ?? 3, retryDelayInMs: options.retryDelayMs ?? 800 },
    ...(options.ca ? { tlsOptions: { ca: options.ca } } : {}),
  });
  return { rest, endpoint: new URL(options.endpoint), serviceName: options.serviceName };
}

/** Sends one request through the client's pipeline; a network failure after its retries is a RemoteServiceError. */
export async function send(
  client: AzureAiClient,
  what: string,
  request: () => PromiseLike<HttpResponse>,
): Promise<HttpResponse> {
  try {
    return await request();
  } catch (error) {
    const code = (error as { code?: string }).code;
    // The pipeline's RestError is a network failure that outlasted the retries; anything else is a refusal
    // (the bearer token policy will not send a token over http).
    const network = (error as Error).name === 'RestError';
    throw new RemoteServiceError(
      network
        ? `${client.serviceName} could not be reached for ${what} (${code ?? 'network error'})`
        : `${client.serviceName} request for ${what} refused: ${(error as Error).message}`,
      { cause: error, retryable: network },
    );
  }
}

/** A response that is not `expected` as a RemoteServiceError: its status, the service's error codes, retryable. */
export function expectStatus(client: AzureAiClient, what: string, response: HttpResponse, expected: string): void {
  if (response.status === expected) return;
  const status = Number(response.status);
  const error = (response.body as { error?: { code?: string; innererror?: { code?: string } } } | undefined)?.error;
  const code = [error?.code, error?.innererror?.code].filter(Boolean).join('/');
  throw new RemoteServiceError(`${client.serviceName} answered ${status}${code ? ` (${code})` : ''} to ${what}`, {
    status,
    retryable: status === 408 || status === 429 || status >= 500,
  });
}

/** Terminal states of an Azure AI job besides succeeded, failed and cancelled (the poller's own three). */
const ALSO_SUCCEEDED = new Set(['partiallyCompleted', 'partiallySucceeded']);

/**
 * Submits a job (POST -> 202 with operation-location) and polls it until it ends, with @azure/core-lro: the poll
 * interval, or Retry-After when the service gives one. Resolves with the final job document whatever its
 * status (the caller reads its errors); rejects when the job does not end within `timeoutMs`.
 */
export async function runJob<T>(
  client: AzureAiClient,
  what: string,
  submit: () => PromiseLike<HttpResponse>,
  options: { pollIntervalMs?: number; timeoutMs?: number } = {},
): Promise<T> {
  const lro: LongRunningOperation<T> = {
    requestMethod: 'POST',
    sendInitialRequest: async () => {
      const response = await send(client, what, submit);
      expectStatus(client, what, response, '202');
      if (typeof response.headers['operation-location'] !== 'string')
        throw new RemoteServiceError(`${client.serviceName} accepted ${what} without an operation-location`, {
          retryable: true,
        });
      return lroResponse(response);
    },
    sendPollRequest: async (location) => {
      // Like the Azure SDK: the token goes only to the configured host, whatever URL the service names.
      if (new URL(location).host !== client.endpoint.host)
        throw new RemoteServiceError(`${client.serviceName} named another host to poll ${what}; not sent a token`);
      const response = await send(client, what, () => client.rest.pathUnchecked(location).get());
      expectStatus(client, what, response, '200');
      return lroResponse<T>(response);
    },
  };
  const poller = await createHttpPoller<T, OperationState<T>>(lro, {
    intervalInMs: options.pollIntervalMs ?? 1000,
    resolveOnUnsuccessful: true,
  });
  try {
    return await poller.pollUntilDone({ abortSignal: AbortSignal.timeout(options.timeoutMs ?? 5 * 60_000) });
  } catch (error) {
    if ((error as Error).name !== 'AbortError') throw error;
    throw new RemoteServiceError(`${client.serviceName} ${what} did not finish in time`, { retryable: true });
  }
}

function lroResponse<T>(response: HttpResponse): LroResponse<T> {
  const body = response.body as { status?: unknown } | undefined;
  // The poller knows succeeded, failed and cancelled; a partly completed job has ended too, with its results.
  const status = typeof body?.status === 'string' && ALSO_SUCCEEDED.has(body.status) ? 'succeeded' : body?.status;
  return {
    flatResponse: response.body as T,
    rawResponse: {
      statusCode: Number(response.status),
      headers: response.headers,
      body: body && typeof body === 'object' ? { ...body, status } : body,
    },
  };
}
