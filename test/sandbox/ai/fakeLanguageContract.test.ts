import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeLanguageService, type FakeLanguageService } from '@switchboard/ai-fakes/fakeLanguageService';
import { encodeWav } from '@switchboard/audio/pcm';

// The Language (summarization, PII) and Speech (fast transcription) fake refuses what the services refuse,
// with their status and error body (Language wraps it in {error}; Speech to text does not), and answers the
// documented failures on demand: 429 with Retry-After, a long-running job that fails.

/** The parts of the services' answers these tests read. */
interface Answer {
  error?: { code: string; innererror?: { code: string } };
  code?: string;
  innerError?: { code: string };
  status?: string;
  errors?: { code: string }[];
  tasks?: { failed: number };
}

describe('the Language and Speech fake refuses what the services refuse', () => {
  let fake: FakeLanguageService;
  const call = async (method: string, path: string, body?: unknown, form?: FormData) => {
    const res = await fetch(`${fake.url}${path}`, {
      method,
      headers: {
        authorization: 'Bearer token',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: form ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as Answer };
  };
  const summarize = (overrides: Record<string, unknown> = {}) => ({
    analysisInput: {
      conversations: [
        {
          id: '1',
          language: 'en',
          modality: 'text',
          conversationItems: [{ id: '1', participantId: 'caller', role: 'customer', text: 'My order is late.' }],
        },
      ],
    },
    tasks: [{ kind: 'ConversationalSummarizationTask', parameters: { summaryAspects: ['issue', 'resolution'] } }],
    ...overrides,
  });
  const JOBS = '/language/analyze-conversations/jobs?api-version=2024-11-01';
  const TRANSCRIBE = '/speechtotext/transcriptions:transcribe?api-version=2024-11-15';
  const wav = new Blob([encodeWav(Buffer.alloc(16_000), 16_000, 1)]);

  before(async () => {
    fake = await startFakeLanguageService({ pollsUntilDone: 0 });
  });
  after(() => fake?.close());

  it('summarization: refuses an unknown task kind, an unknown role and an unsupported api-version with Language error bodies', async () => {
    const kind = await call('POST', JOBS, summarize({ tasks: [{ kind: 'AbstractiveSummarization' }] }));
    assert.equal(kind.status, 400);
    assert.equal(kind.body.error?.code, 'InvalidRequest');
    const bad = summarize();
    bad.analysisInput.conversations[0].conversationItems[0].role = 'supervisor';
    assert.equal((await call('POST', JOBS, bad)).status, 400);
    const version = await call('POST', JOBS.replace('2024-11-01', '2019-01-01'), summarize());
    assert.equal(version.status, 400);
    assert.equal(version.body.error?.innererror?.code, 'UnsupportedApiVersion');
  });

  it('PII: refuses a batch larger than the service takes', async () => {
    const documents = Array.from({ length: 6 }, (_, i) => ({ id: String(i), text: 'Call me.', language: 'en' }));
    const res = await call('POST', '/text/analytics/v3.1/entities/recognition/pii', { documents });
    assert.equal(res.status, 400);
    assert.equal(res.body.error?.innererror?.code, 'InvalidDocumentBatch');
  });

  it('throttles with 429 and Retry-After, and fails a long-running job when told to', async () => {
    fake.throttleNext(1, { retryAfterSeconds: 3, path: /jobs$/ });
    const throttled = await call('POST', JOBS, summarize());
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get('retry-after'), '3');
    fake.failJobsNext(1);
    const started = await call('POST', JOBS, summarize());
    assert.equal(started.status, 202);
    const location = new URL(started.headers.get('operation-location')!);
    const job = await call('GET', `${location.pathname}${location.search}`);
    assert.equal(job.body.status, 'failed');
    assert.equal(job.body.errors?.[0].code, 'InternalServerError');
    assert.equal(job.body.tasks?.failed, 1);
  });

  it('fast transcription: refuses no audio, audio it cannot decode, a bad definition, diarization over two channels', async () => {
    const form = (parts: Record<string, string | Blob>) => {
      const f = new FormData();
      for (const [k, v] of Object.entries(parts)) f.append(k, v);
      return f;
    };
    const cases: [Record<string, string | Blob>, number, string][] = [
      [{ definition: '{}' }, 400, 'InvalidArgument'],
      [{ audio: new Blob([Buffer.from('not audio at all, just text')]) }, 422, 'UnprocessableEntity'],
      [{ audio: wav, definition: '{not json' }, 400, 'InvalidRequest'],
      [{ audio: wav, definition: '{"diarization":{"enabled":true,"maxSpeakers":40}}' }, 400, 'InvalidArgument'],
      [{ audio: wav, definition: '{"channels":[0,1],"diarization":{"enabled":true}}' }, 400, 'InvalidArgument'],
    ];
    for (const [parts, status, code] of cases) {
      const res = await call('POST', TRANSCRIBE, undefined, form(parts));
      assert.equal(res.status, status, JSON.stringify(Object.keys(parts)));
      assert.equal(res.body.code, code, 'Speech to text errors are not wrapped');
      assert.equal(typeof res.body.innerError?.code, 'string');
    }
    const ok = await call('POST', TRANSCRIBE, undefined, form({ audio: wav, definition: '{"locales":["en-US"]}' }));
    assert.equal(ok.status, 200);
  });
});
