import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AzureOpenAI, APIError } from 'openai';
import { startFakeAzureOpenAi, type FakeAzureOpenAi } from '@switchboard/ai-fakes/fakeAzureOpenAi';

// The Azure OpenAI chat-completions fake and its managed-identity endpoint refuse what the services refuse,
// with their status and error body, and answer the documented errors on demand. Raw requests for what the
// openai package's types would not let through; the package's own client for the rest.

const API_VERSION = '2024-10-21';

describe('the Azure OpenAI fake refuses what the service refuses', () => {
  let aoai: FakeAzureOpenAi;
  let token: string;
  const tokenFor = async (resource: string, query: Record<string, string> = {}, header?: string) => {
    const url = new URL(aoai.identityEndpoint);
    for (const [k, v] of Object.entries({ 'api-version': '2019-08-01', resource, ...query }))
      url.searchParams.set(k, v);
    const res = await fetch(url, { headers: { 'x-identity-header': header ?? aoai.identityHeader } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const post = async (body: unknown, options: { bearer?: string; apiVersion?: string } = {}) => {
    const url = `${aoai.endpoint}openai/deployments/gpt-4o-mini/chat/completions?api-version=${options.apiVersion ?? API_VERSION}`;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.bearer ?? token}` },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      headers: res.headers,
      error: ((await res.json()) as { error?: Record<string, unknown> }).error,
    };
  };
  const client = () =>
    new AzureOpenAI({
      endpoint: aoai.endpoint,
      apiVersion: API_VERSION,
      deployment: 'gpt-4o-mini',
      azureADTokenProvider: () => Promise.resolve(token),
      maxRetries: 0,
    });
  const user = (content: string) => ({ role: 'user' as const, content });

  before(async () => {
    aoai = await startFakeAzureOpenAi();
    token = String((await tokenFor('https://cognitiveservices.azure.com')).body.access_token);
  });
  after(() => aoai?.close());

  it('refuses a request the chat-completions contract does not allow, naming the parameter', async () => {
    const cases: [unknown, string | null, string | null, RegExp][] = [
      [{ messages: [user('hi')], foo: 1 }, null, null, /^Unrecognized request argument supplied: foo$/],
      [{ messages: [{ role: 'bot', content: 'hi' }] }, 'messages[0].role', 'invalid_value', /Invalid value: 'bot'/],
      [{}, 'messages', 'missing_required_parameter', /Missing required parameter: 'messages'/],
      [{ messages: [user('hi')], temperature: 3 }, 'temperature', 'invalid_value', /temperature/],
      [
        { messages: [{ role: 'tool', tool_call_id: 'call_1', content: '{}' }] },
        'messages.[0].role',
        null,
        /must be a response to a preceeding message with 'tool_calls'/,
      ],
      [
        {
          messages: [
            user('hi'),
            {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'handoff', arguments: '{}' } }],
            },
            user('hello?'),
          ],
        },
        'messages.[2].role',
        null,
        /did not have response messages: call_1/,
      ],
    ];
    for (const [body, param, code, message] of cases) {
      const res = await post(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.error?.type, 'invalid_request_error');
      assert.equal(res.error?.param, param, JSON.stringify(body));
      assert.equal(res.error?.code, code);
      assert.match(String(res.error?.message), message);
    }
  });

  it('refuses a token issued for another audience, and a request without an api-version', async () => {
    const storage = String((await tokenFor('https://storage.azure.com')).body.access_token);
    assert.equal((await post({ messages: [user('hi')] }, { bearer: storage })).status, 401);
    assert.equal((await post({ messages: [user('hi')] }, { apiVersion: '' })).status, 404);
  });

  it('answers the documented errors on demand: context length, content filter on the prompt and the answer', async () => {
    aoai.contextTokens = 10;
    try {
      const error = await client()
        .chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [user('a question longer than ten tokens, surely')],
        })
        .then(
          () => assert.fail('answered'),
          (e: unknown) => e,
        );
      assert.ok(error instanceof APIError);
      assert.equal(error.status, 400);
      assert.equal(error.code, 'context_length_exceeded');
    } finally {
      aoai.contextTokens = 128_000;
    }
    const filtered = await client()
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [user('I will bomb the office')] })
      .then(
        () => assert.fail('answered'),
        (e: unknown) => e,
      );
    assert.ok(filtered instanceof APIError);
    assert.equal(filtered.code, 'content_filter');
    aoai.filterNextAnswer();
    const answer = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: [user('hello')] });
    assert.equal(answer.choices[0].finish_reason, 'content_filter');
    assert.equal(answer.choices[0].message.content, null);
  });

  it('throttles with 429, with and without Retry-After', async () => {
    aoai.throttleNext(1, 2_000);
    const told = await post({ messages: [user('hi')] });
    assert.equal(told.status, 429);
    assert.equal(told.headers.get('retry-after'), '2');
    assert.equal(told.headers.get('retry-after-ms'), '2000');
    aoai.throttleNext(1);
    const untold = await post({ messages: [user('hi')] });
    assert.equal(untold.status, 429);
    assert.equal(untold.headers.get('retry-after'), null);
    assert.equal(untold.error?.code, '429');
  });

  it('managed identity: refuses a wrong secret header, no api-version, no resource, an unknown identity; fails on demand', async () => {
    const cases: [Promise<{ status: number; body: Record<string, unknown> }>, number][] = [
      [tokenFor('https://cognitiveservices.azure.com', {}, 'wrong'), 401],
      [tokenFor('https://cognitiveservices.azure.com', { 'api-version': '2017-09-01' }), 400],
      [tokenFor(''), 400],
      [tokenFor('https://cognitiveservices.azure.com', { client_id: 'not-assigned' }), 400],
    ];
    for (const [request, status] of cases) {
      const res = await request;
      assert.equal(res.status, status);
      assert.equal(typeof res.body.message, 'string');
      assert.equal(typeof res.body.correlationId, 'string');
    }
    aoai.failTokensNext(1, 500);
    assert.equal((await tokenFor('https://cognitiveservices.azure.com')).status, 500);
    assert.equal((await tokenFor('https://cognitiveservices.azure.com')).status, 200);
  });
});
