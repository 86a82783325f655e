import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  contentFilterResults,
  type AzureOpenAiError,
  type ChatCompletion,
  type ChatCompletionRequest,
  type ChatRequestMessage,
  type ChatToolCall,
} from './fakeAzureOpenAiProtocol';
import { contextLengthExceeded, estimateTokens, readChatRequest } from './chatCompletionsContract';
import { issueServerTls } from '@switchboard/acs-emulator/certificates';
import { BodyTooLargeError, readBody } from '@switchboard/acs-emulator/server/readBody';
import { fakeManagedIdentity } from './fakeManagedIdentity';

// A fake Azure OpenAI chat-completions deployment on a local https port, which the `openai` package's
// AzureOpenAI client uses unmodified: POST /openai/deployments/{deployment}/chat/completions?api-version,
// bearer token required, requests checked against the contract (chatCompletionsContract.ts), the real
// response shape with prompt and completion content-filter results, tool calls, and the service's documented
// errors: 400 content_filter for a filtered prompt, finish_reason content_filter for a filtered answer,
// context_length_exceeded, 429 with or without Retry-After, 5xx (see sandbox/ai/README.md). Its "model" is
// deterministic: it calls the offered tool a message asks for, answers after a tool result, and otherwise
// answers with the knowledge line of its system prompt that shares most words with the question.
//
// It also serves the App Service / Functions managed-identity endpoint (fakeManagedIdentity.ts), so
// DefaultAzureCredential in the app gets a token offline; only a token issued for Cognitive Services opens
// the deployment, as Entra's audience check would have it.

export interface FakeAzureOpenAiRequest {
  path: string;
  deployment: string;
  apiVersion: string;
  body: ChatCompletionRequest;
  status: number;
}

export interface FakeAzureOpenAi {
  /** https://localhost:{port}/ — AZURE_OPENAI_ENDPOINT. */
  endpoint: string;
  /** http://localhost:{port}/msi/token — IDENTITY_ENDPOINT, with `identityHeader` as IDENTITY_HEADER. */
  identityEndpoint: string;
  identityHeader: string;
  requests: FakeAzureOpenAiRequest[];
  /** The next `count` completions are answered 429, with Retry-After when `retryAfterMs` is given. */
  throttleNext(count: number, retryAfterMs?: number): void;
  /** The next completion's answer is stopped by the content filter (finish_reason content_filter). */
  filterNextAnswer(): void;
  /** The deployment's context window in tokens (128k unless set): a longer prompt is refused. */
  contextTokens: number;
  /** Every completion fails with this status (an outage) until called with undefined. */
  failAll(status: number | undefined): void;
  /** The next `count` managed-identity token requests fail with this status. */
  failTokensNext(count: number, status: number): void;
  close(): Promise<void>;
}

/** A bound on request bodies, so an endless one cannot fill memory (chat prompts are far smaller). */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;
const COGNITIVE_SERVICES = 'https://cognitiveservices.azure.com';
const FILTERED = /\b(kill|bomb|shoot)\b/i;
const CALL_BACK = /\b(call|ring|phone) me\b|\bcall ?back\b/i;
const PERSON = /\b(agent|human|person|representative)\b/i;
const STOP_WORDS = new Set(
  'a an the is are do does i you your my me to of for and or on in at what how when can it'.split(' '),
);

function textOf(message: ChatRequestMessage | undefined): string {
  const c = message?.content;
  if (typeof c === 'string') return c;
  return Array.isArray(c) ? c.map((p) => p.text ?? '').join(' ') : '';
}

function words(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length > 1 && !STOP_WORDS.has(w)),
  );
}

/** The deterministic model: what it says or which tool it calls. */
function think(body: ChatCompletionRequest): { content: string | null; toolCalls?: ChatToolCall[] } {
  const last = body.messages[body.messages.length - 1];
  const tools = new Set((body.tools ?? []).map((t) => t.function.name));
  if (last?.role === 'tool') {
    const result = textOf(last);
    let said: string | undefined;
    try {
      said = (JSON.parse(result) as { message?: string }).message;
    } catch {
      // A plain-text tool result is said as it is.
    }
    return { content: said ?? result };
  }
  const question = textOf([...body.messages].reverse().find((m) => m.role === 'user'));
  const call = (name: string, args: Record<string, unknown>) => ({
    content: null,
    toolCalls: [
      {
        id: `call_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
        type: 'function' as const,
        function: { name, arguments: JSON.stringify(args) },
      },
    ],
  });
  if (CALL_BACK.test(question) && tools.has('callMeBack')) return call('callMeBack', { reason: 'customer asked' });
  if (PERSON.test(question) && tools.has('handoff')) return call('handoff', { reason: 'customer asked' });
  const system = body.messages
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map(textOf)
    .join('\n');
  const asked = words(question);
  let best: { line: string; score: number } = { line: '', score: 0 };
  for (const line of system.split('\n').filter((l) => /^\s*-\s/.test(l))) {
    const score = [...words(line)].filter((w) => asked.has(w)).length;
    if (score > best.score) best = { line, score };
  }
  const answer = /\bA:\s*(.+)$/.exec(best.line)?.[1];
  return { content: answer ?? 'I am not sure about that. Could you tell me a little more?' };
}

function completion(model: string, said: { content: string | null; toolCalls?: ChatToolCall[] }): ChatCompletion {
  return {
    id: `chatcmpl-${randomUUID().replace(/-/g, '')}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    system_fingerprint: 'fp_fake',
    prompt_filter_results: [{ prompt_index: 0, content_filter_results: contentFilterResults() }],
    choices: [
      {
        index: 0,
        finish_reason: said.toolCalls ? 'tool_calls' : 'stop',
        logprobs: null,
        message: {
          role: 'assistant',
          content: said.content,
          refusal: null,
          ...(said.toolCalls ? { tool_calls: said.toolCalls } : {}),
        },
        content_filter_results: said.toolCalls ? {} : contentFilterResults(),
      },
    ],
    usage: { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70 },
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'apim-request-id': randomUUID(), ...headers });
  res.end(payload);
}

/** Azure's error body for refusals outside the model (401, 404, 429, 5xx): {error: {code, message}}. */
function error(code: string, message: string): AzureOpenAiError {
  return { error: { code, message } };
}

export async function startFakeAzureOpenAi(options: { certDir?: string } = {}): Promise<FakeAzureOpenAi> {
  const tls = await issueServerTls(options.certDir);
  const requests: FakeAzureOpenAiRequest[] = [];
  let throttles: { remaining: number; retryAfterMs?: number } = { remaining: 0 };
  let filterAnswer = false;
  let outage: number | undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const match = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(url.pathname);
    if (req.method !== 'POST' || !match) return json(res, 404, error('404', 'Resource not found'));
    let raw: string;
    try {
      raw = (await readBody(req, MAX_REQUEST_BYTES)).toString('utf8');
    } catch (failure) {
      if (!(failure instanceof BodyTooLargeError)) throw failure;
      return json(res, 413, error('413', failure.message));
    }
    const apiVersion = url.searchParams.get('api-version') ?? '';
    const record: FakeAzureOpenAiRequest = {
      path: url.pathname,
      deployment: decodeURIComponent(match[1]),
      apiVersion,
      body: { messages: [] },
      status: 0,
    };
    requests.push(record);
    const reply = (status: number, body: unknown, headers?: Record<string, string>) => {
      record.status = status;
      json(res, status, body, headers);
    };
    if (!API_VERSION.test(apiVersion))
      return reply(404, error('404', 'Resource not found: a valid api-version query parameter is required'));
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (mi.resourceOf(bearer) !== COGNITIVE_SERVICES)
      return reply(401, error('401', 'Access denied due to invalid subscription key or wrong API endpoint.'));
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return reply(400, error('BadRequest', 'The request body is not valid JSON.'));
    }
    record.body = value as ChatCompletionRequest;
    const read = readChatRequest(value);
    if ('refusal' in read) return reply(400, read.refusal);
    const body = read.request as ChatCompletionRequest;
    const tokens = estimateTokens(read.request);
    if (tokens > fake.contextTokens) return reply(400, contextLengthExceeded(fake.contextTokens, tokens));
    if (outage !== undefined) return reply(outage, error(String(outage), 'The service is temporarily unavailable.'));
    if (throttles.remaining > 0) {
      throttles.remaining -= 1;
      const ms = throttles.retryAfterMs;
      return reply(
        429,
        error('429', 'Requests to the ChatCompletions_Create Operation have exceeded the rate limit.'),
        ms === undefined ? {} : { 'retry-after': String(Math.ceil(ms / 1000)), 'retry-after-ms': String(ms) },
      );
    }
    const lastUser = textOf([...body.messages].reverse().find((m) => m.role === 'user'));
    if (body.messages[body.messages.length - 1]?.role === 'user' && FILTERED.test(lastUser)) {
      return reply(400, {
        error: {
          code: 'content_filter',
          message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
          param: 'prompt',
          type: null,
          status: 400,
          innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: contentFilterResults('violence') },
        },
      });
    }
    const answer = completion(record.deployment, think(body));
    if (filterAnswer && !answer.choices[0].message.tool_calls) {
      filterAnswer = false;
      // The answer stopped where the filter caught it: no content, finish_reason content_filter.
      answer.choices[0] = {
        ...answer.choices[0],
        finish_reason: 'content_filter',
        message: { ...answer.choices[0].message, content: null },
        content_filter_results: contentFilterResults('violence'),
      };
    }
    return reply(200, answer);
  };

  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    handle(req, res).catch(() => json(res, 500, error('500', 'The fake failed.')));
  });
  // The managed-identity endpoint (App Service 2019-08-01 protocol), as the Functions host offers it.
  const mi = fakeManagedIdentity();
  const identity = mi.server;
  const listen = (s: typeof server | typeof identity) =>
    new Promise<number>((resolve, reject) => {
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port));
    });
  const port = await listen(server);
  const identityPort = await listen(identity);
  const close = (s: typeof server | typeof identity) =>
    new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  const fake: FakeAzureOpenAi = {
    // "localhost" (not 127.0.0.1): the certificate names it, and NO_PROXY keeps it off the emulator's proxy.
    endpoint: `https://localhost:${port}/`,
    identityEndpoint: `http://localhost:${identityPort}/msi/token`,
    identityHeader: mi.header,
    requests,
    contextTokens: 128_000,
    throttleNext(count, retryAfterMs) {
      throttles = { remaining: count, retryAfterMs };
    },
    filterNextAnswer() {
      filterAnswer = true;
    },
    failAll(status) {
      outage = status;
    },
    failTokensNext: (count, status) => mi.failNext(count, status),
    async close() {
      await Promise.all([close(server), close(identity)]);
    },
  };
  return fake;
}
