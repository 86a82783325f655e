// What the fake Azure AI Language and Speech services answer: Text Analytics results, summarization jobs'
// states, and fast transcriptions, from the offline analysis in fakeTextAnalysis.
import {
  MAX_DOCUMENT_CHARS,
  MAX_DOCUMENTS,
  type AnalyzeConversationsJobRequest,
  type AnalyzeTextJobRequest,
  type FastTranscriptionPhrase,
  type FastTranscriptionResponse,
  type ServiceError,
  type TextDocument,
} from './fakeLanguageProtocol';
import { readWavInfo } from '@switchboard/audio/wav';
import { keyPhrasesOf, languageOf, piiOf, sentencesOf, sentimentOf } from './fakeTextAnalysis';
import { badRequest, readTranscriptionDefinition, speechError, type Multipart } from './fakeLanguageRequests';

const MODEL_VERSION = '2024-11-01-fake';

/** What fast transcription "hears" in an upload. */
export type Hear = (audio: Buffer, definition: Record<string, unknown>) => FastTranscriptionPhrase[];

export interface Job {
  kind: 'conversations' | 'text';
  request: AnalyzeConversationsJobRequest | AnalyzeTextJobRequest;
  polls: number;
  created: string;
  /** The job fails when it would have finished (a long-running operation failing). */
  fails?: boolean;
}

/** The synchronous Text Analytics v3.1 operations: validates the batch as the service does, then answers. */
export function analyzeSync(operation: string, body: unknown, people: string[]): unknown {
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
      results.push({ id: d.id, ...piiOf(d.text, people), warnings: [] });
    } else {
      results.push({ id: d.id, entities: [], warnings: [] });
    }
  }
  return { documents: results, errors, modelVersion: MODEL_VERSION };
}

/** A job's state on a GET: running for `pollsUntilDone` polls, then succeeded with every task's results. */
export function jobState(id: string, job: Job, pollsUntilDone: number): unknown {
  job.polls += 1;
  const done = job.polls > pollsUntilDone;
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
  if (job.fails)
    return {
      ...head,
      status: 'failed',
      errors: [{ code: 'InternalServerError', message: 'The job failed to complete. Try again later.' }],
      tasks: { completed: 0, failed: total, inProgress: 0, total, items: [] },
    };
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

/** Fast transcription of one upload: refuses audio it cannot decode, then says what `hear` heard (or a fixed phrase). */
export function transcribe(form: Multipart, hear?: Hear): FastTranscriptionResponse {
  const audio = form.files.audio;
  if (!audio) throw speechError(400, 'InvalidArgument', 'The request must contain an "audio" part.', 'MissingAudio');
  const magic = audio.toString('ascii', 0, 4);
  const known =
    magic === 'RIFF' ||
    magic === 'fLaC' ||
    magic === 'OggS' ||
    magic.startsWith('ID3') ||
    audio.toString('ascii', 4, 8) === 'ftyp' ||
    (audio[0] === 0xff && (audio[1] & 0xe0) === 0xe0);
  if (audio.length < 16 || !known)
    throw speechError(422, 'UnprocessableEntity', 'The audio could not be decoded.', 'InvalidAudioFormat');
  const definition = readTranscriptionDefinition(form.fields.definition);
  const channels = Array.isArray(definition.channels) ? (definition.channels as number[]) : undefined;
  const durationMilliseconds = magic === 'RIFF' ? wavDurationMs(audio) : 0;
  const phrases =
    hear?.(audio, definition) ??
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

/** 0 when the header cannot be read (the real service reports what it decoded; the fake only the header). */
function wavDurationMs(wav: Buffer): number {
  try {
    return readWavInfo(wav).durationMs;
  } catch {
    return 0;
  }
}
