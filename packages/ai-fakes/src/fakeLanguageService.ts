import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  authorize,
  HttpError,
  JOB_API_VERSIONS,
  parseBody,
  requireApiVersion,
  SPEECH_API_VERSIONS,
  validateConversationsJob,
  validateTextJob,
  type Multipart,
} from './fakeLanguageRequests';
import { analyzeSync, jobState, transcribe, type Hear, type Job } from './fakeLanguageResults';
import { issueServerTls } from '@switchboard/acs-emulator/certificates';
import { BodyTooLargeError, readBody } from '@switchboard/acs-emulator/server/readBody';
import { Router, type Route } from '@switchboard/acs-emulator/server/router';

// A fake of the Azure AI Language and Speech REST APIs on a local https port (port 0 unless told):
// Text Analytics v3.1 (what @azure/ai-text-analytics 5.1 calls: sentiment, keyPhrases, languages,
// entities/recognition/pii), analyze-text and analyze-conversations jobs (POST -> 202 +
// operation-location, GET -> status, then results), and Speech fast transcription (multipart).
// Like the real services it checks the bearer token, request shapes and batch limits, and it can be told
// to throttle (429 + Retry-After). Every request is recorded for tests to inspect.

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or the multipart fields (file parts as byte counts). */
  body: unknown;
  status: number;
  /** performance.now() when the request arrived. */
  at: number;
}

export interface FakeLanguageServiceOptions {
  port?: number;
  /** Accept only this bearer token; by default any non-empty bearer token is accepted. */
  expectedToken?: string;
  /** How many GETs of a job answer 'running' before it has succeeded. */
  pollsUntilDone?: number;
  /** Names the fake PII model recognises as Person entities. */
  people?: string[];
  /** What fast transcription "hears" in an upload; by default one phrase per requested channel. */
  transcribe?: Hear;
  /** Where to look for the sandbox CA (tests may point elsewhere). */
  certDir?: string;
}

export interface FakeLanguageService {
  /** https://localhost:{port} — use as LANGUAGE_ENDPOINT and SPEECH_ENDPOINT. */
  url: string;
  /** PEM of the CA that issued the fake's certificate. */
  ca: string;
  requests: RecordedRequest[];
  /** The next `count` requests (whose path matches, if given) are answered 429 with Retry-After. */
  throttleNext(count: number, options?: { retryAfterSeconds?: number; retryAfterMs?: number; path?: RegExp }): void;
  /** The next `count` requests (whose path matches, if given) fail with this status. */
  failNext(count: number, status: number, options?: { path?: RegExp }): void;
  /** The next `count` analyze jobs fail when they would have finished (status failed, with errors). */
  failJobsNext(count: number): void;
  /** Forgets pending throttles and failures, and the recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

interface FakeReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface FakeRoute extends Route {
  handle(url: URL, body: unknown, params: string[]): FakeReply;
}

/** Fast transcription takes audio files up to 300 MB. */
const MAX_UPLOAD_BYTES = 300 * 1024 * 1024;

export async function startFakeLanguageService(options: FakeLanguageServiceOptions = {}): Promise<FakeLanguageService> {
  const tls = await issueServerTls(options.certDir);
  const requests: RecordedRequest[] = [];
  const jobs = new Map<string, Job>();
  const faults: Array<{
    remaining: number;
    status: number;
    retryAfterSeconds?: number;
    retryAfterMs?: number;
    path?: RegExp;
  }> = [];
  let baseUrl = '';
  let jobFaults = 0;

  const respond = async (req: IncomingMessage, res: ServerResponse) => {
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: '',
      query: {},
      headers: req.headers,
      body: undefined,
      status: 0,
      at: performance.now(),
    };
    requests.push(record);
    try {
      const url = new URL(req.url ?? '/', baseUrl);
      record.path = url.pathname;
      record.query = Object.fromEntries(url.searchParams);
      const raw = await readBody(req, MAX_UPLOAD_BYTES).catch((error: unknown) => {
        throw error instanceof BodyTooLargeError
          ? new HttpError(413, { code: 'RequestEntityTooLarge', message: error.message })
          : error;
      });
      authorize(req, options.expectedToken);
      record.body = await parseBody(req, raw);
      const fault = faults.find((f) => f.remaining > 0 && (!f.path || f.path.test(url.pathname)));
      if (fault) {
        fault.remaining -= 1;
        if (fault.status === 429) {
          const seconds = fault.retryAfterSeconds ?? 1;
          const headers: Record<string, string> = { 'retry-after': String(seconds) };
          if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
          throw new HttpError(
            429,
            { code: '429', message: `Rate limit is exceeded. Try again in ${seconds} seconds.` },
            headers,
          );
        }
        throw new HttpError(fault.status, {
          code: 'InternalServerError',
          message: 'The fake was told to fail this request.',
        });
      }
      const { status, body, headers } = route(req.method ?? 'GET', url, record.body);
      send(res, record, status, body, headers);
    } catch (error) {
      if (error instanceof HttpError) send(res, record, error.status, error.body(record.path), error.headers);
      else send(res, record, 500, { error: { code: 'InternalServerError', message: (error as Error).message } });
    }
  };
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => void respond(req, res));

  const router = new Router<FakeRoute>([
    {
      method: 'POST',
      pattern:
        /^\/text\/analytics\/v3\.1\/(sentiment|keyPhrases|languages|entities\/recognition\/pii|entities\/recognition\/general)$/,
      handle: (_url, body, [operation]) => ({
        status: 200,
        body: analyzeSync(operation, body, options.people ?? []),
      }),
    },
    {
      method: 'POST',
      pattern: /^\/language\/analyze-(conversations|text)\/jobs$/,
      handle: (url, body, [analysis]) => {
        requireApiVersion(url, JOB_API_VERSIONS);
        const kind = analysis === 'conversations' ? 'conversations' : 'text';
        if (kind === 'conversations') validateConversationsJob(body);
        else validateTextJob(body);
        const id = randomUUID();
        const fails = jobFaults > 0;
        if (fails) jobFaults -= 1;
        jobs.set(id, { kind, request: body as never, polls: 0, created: new Date().toISOString(), fails });
        const location = `${baseUrl}/language/analyze-${analysis}/jobs/${id}?api-version=${url.searchParams.get('api-version')}`;
        return { status: 202, body: '', headers: { 'operation-location': location } };
      },
    },
    {
      method: 'GET',
      pattern: /^\/language\/analyze-(conversations|text)\/jobs\/([0-9a-f-]+)$/,
      handle: (url, _body, [, id]) => {
        requireApiVersion(url, JOB_API_VERSIONS);
        const job = jobs.get(id);
        if (!job) throw new HttpError(404, { code: 'NotFound', message: 'The specified job was not found.' });
        return { status: 200, body: jobState(id, job, options.pollsUntilDone ?? 1) };
      },
    },
    {
      method: 'POST',
      pattern: /^\/speechtotext\/transcriptions:transcribe$/,
      handle: (url, body) => {
        requireApiVersion(url, SPEECH_API_VERSIONS);
        return { status: 200, body: transcribe(body as Multipart, options.transcribe) };
      },
    },
  ]);

  function route(method: string, url: URL, body: unknown): FakeReply {
    const found = router.match(method, url.pathname);
    if (!found.route)
      throw new HttpError(404, { code: 'NotFound', message: `Resource not found: ${method} ${url.pathname}` });
    return found.route.handle(url, body, found.params);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  baseUrl = `https://localhost:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    ca: tls.ca,
    requests,
    throttleNext(count, o = {}) {
      faults.push({ remaining: count, status: 429, ...o });
    },
    failNext(count, status, o = {}) {
      faults.push({ remaining: count, status, ...o });
    },
    failJobsNext(count) {
      jobFaults = count;
    },
    reset() {
      faults.length = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(
  res: ServerResponse,
  record: RecordedRequest,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  record.status = status;
  // Recorded bodies of multipart uploads keep sizes, not bytes.
  if (record.body && typeof record.body === 'object' && 'files' in record.body) {
    const m = record.body as Multipart;
    record.body = {
      fields: m.fields,
      files: Object.fromEntries(Object.entries(m.files).map(([k, v]) => [k, { bytes: v.length }])),
    };
  }
  const text = body === '' ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'apim-request-id': randomUUID(),
    'x-envoy-upstream-service-time': '3',
    ...headers,
  });
  res.end(text);
}

// `node packages/ai-fakes/dist/src/fakeLanguageService.js [port]`: runs the fake on its own, for manual checks or a
// sandbox that points LANGUAGE_ENDPOINT / SPEECH_ENDPOINT at it.
if (require.main === module) {
  startFakeLanguageService({ port: process.argv[2] ? Number(process.argv[2]) : 0 })
    .then((fake) => {
      process.stdout.write(`Fake Azure AI Language + Speech listening on ${fake.url}\n`);
      const stop = () => void fake.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((error: unknown) => {
      process.stderr.write(`Could not start the fake Azure AI services: ${(error as Error).message}\n`);
      process.exit(1);
    });
}
