import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  MAX_DOCUMENT_CHARS,
  MAX_DOCUMENTS,
  MAX_JOB_CONVERSATIONS,
  MAX_JOB_DOCUMENTS,
  type AnalyzeConversationsJobRequest,
  type AnalyzeTextJobRequest,
  type FastTranscriptionPhrase,
  type FastTranscriptionResponse,
  type ServiceError,
  type TextDocument,
} from './fakeLanguageProtocol';
import { readWavInfo } from '../../shared/insights/wav';
import { keyPhrasesOf, languageOf, piiOf, sentencesOf, sentimentOf } from './fakeTextAnalysis';
import { issueServerTls } from '../certificates';
import { BodyTooLargeError, readBody } from '../http/readBody';
import { Router, type Route } from '../http/router';

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
  transcribe?: (audio: Buffer, definition: Record<string, unknown>) => FastTranscriptionPhrase[];
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
  handle(url: URL, body: unknown, raw: Buffer, params: string[]): FakeReply;
}

/** Fast transcription takes audio files up to 300 MB. */
const MAX_UPLOAD_BYTES = 300 * 1024 * 1024;

interface Job {
  kind: 'conversations' | 'text';
  request: AnalyzeConversationsJobRequest | AnalyzeTextJobRequest;
  polls: number;
  created: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: ServiceError,
    readonly headers: Record<string, string> = {},
  ) {
    super(error.message);
  }
}

const badRequest = (message: string, inner?: { code: string; message: string }) =>
  new HttpError(400, { code: 'InvalidRequest', message, ...(inner ? { innererror: inner } : {}) });

const JOB_API_VERSIONS = new Set([
  '2022-05-01',
  '2023-04-01',
  '2023-11-15-preview',
  '2024-05-01',
  '2024-11-01',
  '2024-11-15-preview',
  '2025-05-15-preview',
]);
const SPEECH_API_VERSIONS = new Set(['2024-05-15-preview', '2024-11-15', '2025-10-15']);
const MODEL_VERSION = '2024-11-01-fake';

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
      const { status, body, headers } = route(req.method ?? 'GET', url, record.body, raw);
      send(res, record, status, body, headers);
    } catch (error) {
      if (error instanceof HttpError) send(res, record, error.status, { error: error.error }, error.headers);
      else send(res, record, 500, { error: { code: 'InternalServerError', message: (error as Error).message } });
    }
  };
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => void respond(req, res));

  const router = new Router<FakeRoute>([
    {
      method: 'POST',
      pattern:
        /^\/text\/analytics\/v3\.1\/(sentiment|keyPhrases|languages|entities\/recognition\/pii|entities\/recognition\/general)$/,
      handle: (_url, body, _raw, [operation]) => ({ status: 200, body: analyzeSync(operation, body) }),
    },
    {
      method: 'POST',
      pattern: /^\/language\/analyze-(conversations|text)\/jobs$/,
      handle: (url, body, _raw, [analysis]) => {
        requireApiVersion(url, JOB_API_VERSIONS);
        const kind = analysis === 'conversations' ? 'conversations' : 'text';
        if (kind === 'conversations') validateConversationsJob(body);
        else validateTextJob(body);
        const id = randomUUID();
        jobs.set(id, { kind, request: body as never, polls: 0, created: new Date().toISOString() });
        const location = `${baseUrl}/language/analyze-${analysis}/jobs/${id}?api-version=${url.searchParams.get('api-version')}`;
        return { status: 202, body: '', headers: { 'operation-location': location } };
      },
    },
    {
      method: 'GET',
      pattern: /^\/language\/analyze-(conversations|text)\/jobs\/([0-9a-f-]+)$/,
      handle: (url, _body, _raw, [, id]) => {
        requireApiVersion(url, JOB_API_VERSIONS);
        const job = jobs.get(id);
        if (!job) throw new HttpError(404, { code: 'NotFound', message: 'The specified job was not found.' });
        return { status: 200, body: jobState(id, job) };
      },
    },
    {
      method: 'POST',
      pattern: /^\/speechtotext\/transcriptions:transcribe$/,
      handle: (url, body, raw) => {
        requireApiVersion(url, SPEECH_API_VERSIONS);
        return { status: 200, body: transcribe(body as Multipart, raw) };
      },
    },
  ]);

  function route(method: string, url: URL, body: unknown, raw: Buffer): FakeReply {
    const found = router.match(method, url.pathname);
    if (!found.route)
      throw new HttpError(404, { code: 'NotFound', message: `Resource not found: ${method} ${url.pathname}` });
    return found.route.handle(url, body, raw, found.params);
  }

  function analyzeSync(operation: string, body: unknown): unknown {
    const documents = (body as { documents?: TextDocument[] } | undefined)?.documents;
    if (!Array.isArray(documents) || documents.length === 0)
      throw badRequest('Invalid Request.', { code: 'MissingInputRecords', message: 'Missing input records.' });
    const limit = MAX_DOCUMENTS[operation];
    if (documents.length > limit) {
      throw badRequest('Invalid document in request.', {
        code: 'InvalidDocumentBatch',
        message: `Batch request contains too many records. Max ${limit} records are permitted.`,
      });
    }
    const ids = new Set<string>();
    for (const d of documents) {
      if (typeof d.id !== 'string' || d.id === '' || typeof d.text !== 'string')
        throw badRequest('Invalid document in request.', {
          code: 'InvalidDocument',
          message: 'Each document needs a string id and text.',
        });
      if (ids.has(d.id))
        throw badRequest('Invalid document in request.', {
          code: 'DuplicateDocumentId',
          message: 'Request contains duplicated Ids. Make sure each document has a unique Id.',
        });
      ids.add(d.id);
    }
    const errors: Array<{ id: string; error: ServiceError }> = [];
    const results: unknown[] = [];
    for (const d of documents) {
      if (d.text.trim() === '' || d.text.length > MAX_DOCUMENT_CHARS) {
        errors.push({
          id: d.id,
          error: {
            code: 'InvalidArgument',
            message: 'Invalid document in request.',
            innererror:
              d.text.trim() === ''
                ? { code: 'InvalidDocument', message: 'Document text is empty.' }
                : {
                    code: 'InvalidDocument',
                    message: `A document within the request was too large to be processed. Limit document size to: ${MAX_DOCUMENT_CHARS} text elements.`,
                  },
          },
        });
        continue;
      }
      if (operation === 'sentiment') {
        results.push({
          id: d.id,
          ...sentimentOf(d.text),
          sentences: sentencesOf(d.text).map((s) => ({ ...s, ...sentimentOf(s.text) })),
          warnings: [],
        });
      } else if (operation === 'keyPhrases') {
        results.push({ id: d.id, keyPhrases: keyPhrasesOf(d.text), warnings: [] });
      } else if (operation === 'languages') {
        results.push({ id: d.id, detectedLanguage: languageOf(d.text), warnings: [] });
      } else if (operation === 'entities/recognition/pii') {
        results.push({ id: d.id, ...piiOf(d.text, options.people ?? []), warnings: [] });
      } else {
        results.push({ id: d.id, entities: [], warnings: [] });
      }
    }
    return { documents: results, errors, modelVersion: MODEL_VERSION };
  }

  function jobState(id: string, job: Job): unknown {
    job.polls += 1;
    const done = job.polls > (options.pollsUntilDone ?? 1);
    const now = new Date().toISOString();
    const head = {
      jobId: id,
      createdDateTime: job.created,
      lastUpdatedDateTime: now,
      expirationDateTime: new Date(Date.now() + 86_400_000).toISOString(),
      displayName: job.request.displayName ?? '',
      errors: [],
    };
    const total = job.request.tasks.length;
    if (!done)
      return { ...head, status: 'running', tasks: { completed: 0, failed: 0, inProgress: total, total, items: [] } };
    const items =
      job.kind === 'conversations'
        ? (job.request as AnalyzeConversationsJobRequest).tasks.map((task) => ({
            kind: 'conversationalSummarizationResults',
            taskName: task.taskName,
            lastUpdateDateTime: now,
            status: 'succeeded',
            results: {
              conversations: (job.request as AnalyzeConversationsJobRequest).analysisInput.conversations.map((c) => ({
                id: c.id,
                summaries: (task.parameters?.summaryAspects ?? []).map((aspect) => ({
                  aspect,
                  text: summaryAspect(aspect, c.conversationItems),
                })),
                warnings: [],
              })),
              errors: [],
              modelVersion: MODEL_VERSION,
            },
          }))
        : (job.request as AnalyzeTextJobRequest).tasks.map((task) => ({
            kind: 'ExtractiveSummarizationLROResults',
            taskName: task.taskName,
            lastUpdateDateTime: now,
            status: 'succeeded',
            results: {
              documents: (job.request as AnalyzeTextJobRequest).analysisInput.documents.map((d) => ({
                id: d.id,
                sentences: sentencesOf(d.text)
                  .slice(0, task.parameters?.sentenceCount ?? 3)
                  .map((s, i) => ({ ...s, rankScore: 1 - i * 0.1 })),
                warnings: [],
              })),
              errors: [],
              modelVersion: MODEL_VERSION,
            },
          }));
    return { ...head, status: 'succeeded', tasks: { completed: total, failed: 0, inProgress: 0, total, items } };
  }

  function transcribe(form: Multipart, raw: Buffer): FastTranscriptionResponse {
    void raw;
    const audio = form.files.audio;
    if (!audio) throw badRequest('The request must contain an "audio" part.');
    const magic = audio.toString('ascii', 0, 4);
    const known =
      magic === 'RIFF' ||
      magic === 'fLaC' ||
      magic === 'OggS' ||
      magic.startsWith('ID3') ||
      audio.toString('ascii', 4, 8) === 'ftyp' ||
      (audio[0] === 0xff && (audio[1] & 0xe0) === 0xe0);
    if (audio.length < 16 || !known) {
      throw new HttpError(422, { code: 'InvalidAudioFormat', message: 'The audio could not be decoded.' });
    }
    let definition: Record<string, unknown> = {};
    if (form.fields.definition !== undefined) {
      try {
        definition = JSON.parse(form.fields.definition) as Record<string, unknown>;
      } catch {
        throw badRequest('The "definition" part is not valid JSON.');
      }
    }
    const channels = Array.isArray(definition.channels) ? (definition.channels as number[]) : undefined;
    const durationMilliseconds = magic === 'RIFF' ? wavDurationMs(audio) : 0;
    const phrases =
      options.transcribe?.(audio, definition) ??
      (channels ?? [undefined]).map((channel) => ({
        ...(channel === undefined ? {} : { channel }),
        offsetMilliseconds: 0,
        durationMilliseconds,
        text: 'Hello, this is the fake transcription.',
        locale: 'en-US',
        confidence: 0.9,
      }));
    const byChannel = new Map<number | undefined, string[]>();
    for (const p of phrases) byChannel.set(p.channel, [...(byChannel.get(p.channel) ?? []), p.text]);
    return {
      durationMilliseconds,
      combinedPhrases: [...byChannel.entries()].map(([channel, texts]) => ({
        ...(channel === undefined ? {} : { channel }),
        text: texts.join(' '),
      })),
      phrases,
    };
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

function authorize(req: IncomingMessage, expected: string | undefined): void {
  const header = req.headers.authorization;
  const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  if (!token || (expected !== undefined && token !== expected)) {
    throw new HttpError(401, {
      code: '401',
      message:
        'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
    });
  }
}

function requireApiVersion(url: URL, supported: Set<string>): void {
  const version = url.searchParams.get('api-version');
  if (!version || !supported.has(version)) {
    throw new HttpError(400, {
      code: 'InvalidRequest',
      message: `The api-version '${version ?? ''}' is not supported.`,
      innererror: { code: 'UnsupportedApiVersion', message: `Supported: ${[...supported].join(', ')}` },
    });
  }
}

function validateConversationsJob(body: unknown): void {
  const b = body as AnalyzeConversationsJobRequest | undefined;
  const conversations = b?.analysisInput?.conversations;
  if (!Array.isArray(conversations) || conversations.length === 0)
    throw badRequest('analysisInput.conversations is required.');
  if (conversations.length > MAX_JOB_CONVERSATIONS) {
    throw badRequest('Invalid document in request.', {
      code: 'InvalidDocumentBatch',
      message: `Batch request contains too many records. Max ${MAX_JOB_CONVERSATIONS} records are permitted.`,
    });
  }
  for (const c of conversations) {
    if (typeof c.id !== 'string' || typeof c.language !== 'string' || c.modality !== 'text')
      throw badRequest('Each conversation needs an id, a language and modality "text".');
    if (!Array.isArray(c.conversationItems) || c.conversationItems.length === 0)
      throw badRequest('conversationItems must not be empty.');
    for (const item of c.conversationItems) {
      if (typeof item.id !== 'string' || typeof item.participantId !== 'string' || typeof item.text !== 'string')
        throw badRequest('Each conversation item needs an id, a participantId and text.');
      if (item.role !== undefined && !['customer', 'agent', 'generic'].includes(item.role.toLowerCase()))
        throw badRequest(`Unknown conversation item role '${item.role}'.`);
    }
  }
  if (!Array.isArray(b?.tasks) || b.tasks.length === 0) throw badRequest('tasks must not be empty.');
  for (const task of b.tasks) {
    if (task.kind !== 'ConversationalSummarizationTask') throw badRequest(`Unsupported task kind '${task.kind}'.`);
    const aspects = task.parameters?.summaryAspects;
    const known = ['issue', 'resolution', 'chapterTitle', 'narrative', 'recap', 'follow-up tasks'];
    if (!Array.isArray(aspects) || aspects.length === 0 || aspects.some((a) => !known.includes(a)))
      throw badRequest('parameters.summaryAspects must list known aspects.');
  }
}

function validateTextJob(body: unknown): void {
  const b = body as AnalyzeTextJobRequest | undefined;
  const documents = b?.analysisInput?.documents;
  if (!Array.isArray(documents) || documents.length === 0) throw badRequest('analysisInput.documents is required.');
  if (documents.length > MAX_JOB_DOCUMENTS) {
    throw badRequest('Invalid document in request.', {
      code: 'InvalidDocumentBatch',
      message: `Batch request contains too many records. Max ${MAX_JOB_DOCUMENTS} records are permitted.`,
    });
  }
  if (!Array.isArray(b?.tasks) || b.tasks.some((t) => t.kind !== 'ExtractiveSummarization'))
    throw badRequest('Only ExtractiveSummarization tasks are supported by the fake.');
}

/** What the fake summarizer says for an aspect: the customer's first item, the agent's last, promises. */
function summaryAspect(aspect: string, items: Array<{ role?: string; text: string }>): string {
  const customer = items.filter((i) => i.role?.toLowerCase() === 'customer');
  const agent = items.filter((i) => i.role?.toLowerCase() === 'agent');
  if (aspect === 'issue') return customer.find((i) => i.text.split(' ').length > 4)?.text ?? customer[0]?.text ?? '';
  if (aspect === 'resolution')
    return [...agent].reverse().find((i) => /\b(i've|i have|has been)\b/i.test(i.text))?.text ?? '';
  if (aspect === 'follow-up tasks')
    return agent
      .filter((i) => /\b(will|i'll|you'll)\b/i.test(i.text))
      .map((i) => i.text)
      .join('\n');
  return items
    .map((i) => i.text)
    .join(' ')
    .slice(0, 200);
}

interface Multipart {
  fields: Record<string, string>;
  files: Record<string, Buffer>;
}

async function parseBody(req: IncomingMessage, raw: Buffer): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (raw.length === 0) return undefined;
  if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
    if (!boundary) throw badRequest('multipart/form-data without a boundary.');
    return parseMultipart(raw, type);
  }
  if (!type.includes('json'))
    throw new HttpError(415, { code: 'UnsupportedMediaType', message: `Unsupported content type '${type}'.` });
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequest('The request body is not valid JSON.');
  }
}

/** The platform's own multipart/form-data parser (fetch's Request, undici), not a hand-written one. */
async function parseMultipart(raw: Buffer, type: string): Promise<Multipart> {
  let form: FormData;
  try {
    form = await new Request('http://fake.invalid/', {
      method: 'POST',
      headers: { 'content-type': type },
      body: raw,
    }).formData();
  } catch (error) {
    throw badRequest(`The multipart/form-data body cannot be parsed: ${(error as Error).message}`);
  }
  const result: Multipart = { fields: {}, files: {} };
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') result.fields[name] = value;
    else result.files[name] = Buffer.from(await value.arrayBuffer());
  }
  return result;
}

/** 0 when the header cannot be read (the real service reports what it decoded; the fake only the header). */
function wavDurationMs(wav: Buffer): number {
  try {
    return readWavInfo(wav).durationMs;
  } catch {
    return 0;
  }
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

// `node dist/sandbox/ai/fakeLanguageService.js [port]`: runs the fake on its own, for manual checks or a
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
