// The fake Azure AI Language and Speech services' side of a request: the errors they answer with, the
// bearer token and api-version checks, the job bodies they accept, and body parsing (JSON or multipart).
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import {
  MAX_JOB_CONVERSATIONS,
  MAX_JOB_DOCUMENTS,
  type AnalyzeConversationsJobRequest,
  type AnalyzeTextJobRequest,
  type ServiceError,
} from './fakeLanguageProtocol';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: ServiceError,
    readonly headers: Record<string, string> = {},
  ) {
    super(error.message);
  }

  /** The body the service answers with: Language wraps its error ({error: {...}}); Speech to text does not
   * (its Error definition, with innerError, is the whole body: speechtotext.json 2024-11-15). */
  body(path: string): unknown {
    if (!path.startsWith('/speechtotext/')) return { error: this.error };
    const { innererror, ...rest } = this.error;
    return innererror ? { ...rest, innerError: innererror } : rest;
  }
}

/** A Speech to text refusal: a high-level code (its ErrorCode enum) and a detailed one. */
export const speechError = (status: number, code: string, message: string, detail: string) =>
  new HttpError(status, { code, message, innererror: { code: detail, message } });

// Fast transcription's definition (speechtotext.json: TranscribeDefinition): the fields the fake checks; others
// pass, as the service may accept fields newer than the fake.
const definitionSchema = z.looseObject({
  locales: z.array(z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/)).optional(),
  channels: z
    .array(z.union([z.literal(0), z.literal(1)]))
    .max(2)
    .optional(),
  diarization: z
    .looseObject({ enabled: z.boolean().optional(), maxSpeakers: z.number().int().min(2).max(35).optional() })
    .optional(),
  profanityFilterMode: z.enum(['None', 'Masked', 'Removed', 'Tags']).optional(),
  phraseList: z.looseObject({ phrases: z.array(z.string()) }).optional(),
});

export function readTranscriptionDefinition(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw speechError(400, 'InvalidRequest', 'The "definition" part is not valid JSON.', 'InvalidJson');
  }
  const parsed = definitionSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw speechError(
      400,
      'InvalidArgument',
      `Invalid definition.${issue.path.join('.')}: ${issue.message}`,
      'InvalidParameterValue',
    );
  }
  const d = parsed.data;
  // Diarization separates speakers within one channel; it cannot be asked for with two channels.
  if (d.diarization?.enabled && (d.channels?.length ?? 0) > 1)
    throw speechError(
      400,
      'InvalidArgument',
      'Diarization is not supported with more than one channel.',
      'InvalidParameterValue',
    );
  return d;
}

export const badRequest = (message: string, inner?: { code: string; message: string }) =>
  new HttpError(400, { code: 'InvalidRequest', message, ...(inner ? { innererror: inner } : {}) });

export const JOB_API_VERSIONS = new Set([
  '2022-05-01',
  '2023-04-01',
  '2023-11-15-preview',
  '2024-05-01',
  '2024-11-01',
  '2024-11-15-preview',
  '2025-05-15-preview',
]);
export const SPEECH_API_VERSIONS = new Set(['2024-05-15-preview', '2024-11-15', '2025-10-15']);

export function authorize(req: IncomingMessage, expected: string | undefined): void {
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

export function requireApiVersion(url: URL, supported: Set<string>): void {
  const version = url.searchParams.get('api-version');
  if (!version || !supported.has(version)) {
    throw new HttpError(400, {
      code: 'InvalidRequest',
      message: `The api-version '${version ?? ''}' is not supported.`,
      innererror: { code: 'UnsupportedApiVersion', message: `Supported: ${[...supported].join(', ')}` },
    });
  }
}

export function validateConversationsJob(body: unknown): void {
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

export function validateTextJob(body: unknown): void {
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

export interface Multipart {
  fields: Record<string, string>;
  files: Record<string, Buffer>;
}

export async function parseBody(req: IncomingMessage, raw: Buffer): Promise<unknown> {
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
