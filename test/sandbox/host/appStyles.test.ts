import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { startAzurite, type AzuriteInstance } from '@switchboard/functions-host/azurite';
import { startHostProcess, type HostProcess } from '@switchboard/sandbox/hostProcess';
import { appWithLibrary } from '../../support/appWithLibrary';
import { fixture } from '../../support/paths';
import { waitFor } from '../../support/waitFor';

// Apps written the way the official templates and quickstarts write them, run unmodified on the local host.

const LIBRARIES = [
  { label: '4.0.0 (the oldest durable-functions 3 accepts)', installedAs: 'functions-4-0' },
  { label: '4.8.0 (builds a fetch Request from what the host passes)', installedAs: 'functions-4-8' },
  { label: 'the newest', installedAs: '@azure/functions' },
];

for (const library of LIBRARIES) {
  describe(`an HTTP app on @azure/functions ${library.label}`, () => {
    let host: HostProcess;
    before(async () => {
      host = await startHostProcess(appWithLibrary('http-app', { '@azure/functions': library.installedAs }), {});
    });
    after(async () => host?.stop());

    it('answers GET with a query, HEAD and a POSTed JSON body', async () => {
      const get = await fetch(`${host.url}/api/httpGetFunction?name=Ada`);
      assert.equal(get.status, 200);
      assert.equal(await get.text(), 'Hello, Ada!');
      const head = await fetch(`${host.url}/api/items/7`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('etag'), '"item-7"');
      const post = await fetch(`${host.url}/api/httpPostBodyFunction`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Grace', age: 85 }),
      });
      assert.equal(await post.text(), 'Hello, Grace! You are 85 years old.');
    });

    it('passes route parameters and answers a bodiless DELETE with 204', async () => {
      const get = await fetch(`${host.url}/api/items/42`);
      assert.deepEqual(await get.json(), { id: 42 });
      const removed = await fetch(`${host.url}/api/items/42`, { method: 'DELETE' });
      assert.equal(removed.status, 204);
    });
  });
}

/** A request whose body the test writes piece by piece, reading the response as it streams. */
function openStream(url: string): { send(text: string): void; end(): void; response: Promise<IncomingMessage> } {
  const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'text/plain' } });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  req.flushHeaders();
  return { send: (text) => req.write(text), end: () => req.end(), response };
}

function nextChunk(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    res.once('data', (chunk: Buffer) => {
      res.pause();
      resolve(chunk.toString());
    });
    res.once('error', reject);
    res.resume();
  });
}

// Streaming arrived in @azure/functions 4.3; 4.8 is the last line built on undici rather than global fetch.
for (const library of [LIBRARIES[1], LIBRARIES[2]]) {
  describe(`an app that streams HTTP (app.setup({ enableHttpStream: true }), as the TypeScript quickstart does), on @azure/functions ${library.label}`, () => {
    let host: HostProcess;
    before(async () => {
      host = await startHostProcess(appWithLibrary('stream-app', { '@azure/functions': library.installedAs }), {});
    });
    after(async () => host?.stop());

    it("serves the quickstart's GET and POST functions", async () => {
      const get = await fetch(`${host.url}/api/httpGetFunction?name=Ada`);
      assert.equal(get.status, 200);
      assert.equal(await get.text(), 'Hello, Ada!');
      const head = await fetch(`${host.url}/api/httpGetFunction`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      const post = await fetch(`${host.url}/api/httpPostBodyFunction`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Grace', age: 85 }),
      });
      assert.equal(await post.text(), 'Hello, Grace! You are 85 years old.');
      const bad = await fetch(`${host.url}/api/httpPostBodyFunction`, { method: 'POST', body: 'not json' });
      assert.equal(bad.status, 400);
    });

    it('streams the response while the request body is still arriving', async () => {
      // Each echoed piece arrives before the next is sent: neither body is buffered whole by the host.
      const stream = openStream(`${host.url}/api/echo/first`);
      stream.send('hello ');
      const res = await stream.response;
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['x-label'], 'first');
      assert.equal(await nextChunk(res), 'HELLO ');
      stream.send('streaming world');
      assert.equal(await nextChunk(res), 'STREAMING WORLD');
      stream.end();
      await new Promise((resolve) => res.once('end', resolve).resume());
    });

    it('keeps serving after a client abandons a stream halfway', async () => {
      const stream = openStream(`${host.url}/api/echo/abandoned`);
      stream.send('partial');
      const res = await stream.response;
      assert.equal(await nextChunk(res), 'PARTIAL');
      res.destroy();
      const next = await fetch(`${host.url}/api/httpGetFunction?name=again`);
      assert.equal(await next.text(), 'Hello, again!');
    });
  });
}

describe('a Durable app in the quickstart style, started by a plain GET', () => {
  let azurite: AzuriteInstance;
  let host: HostProcess;
  before(async () => {
    azurite = await startAzurite();
    host = await startHostProcess(fixture('durable-app'), {
      AzureWebJobsStorage: azurite.connectionString,
      TASKHUB_NAME: 'durablestyle',
    });
  });
  after(async () => {
    await host?.stop();
    await azurite?.stop();
  });

  it('starts the orchestration and reports its output at the status URL it returned', async () => {
    const started = await fetch(`${host.url}/api/orchestrators/helloOrchestrator`);
    assert.equal(started.status, 202);
    const { id, statusQueryGetUri } = (await started.json()) as { id: string; statusQueryGetUri: string };
    assert.ok(id);
    const done = await waitFor(
      async () => {
        const status = (await (await fetch(statusQueryGetUri)).json()) as { runtimeStatus: string; output: unknown };
        return status.runtimeStatus === 'Completed' ? status : undefined;
      },
      { timeoutMs: 60_000, what: 'the orchestration to complete' },
    );
    assert.deepEqual(done.output, ['Hello, Tokyo', 'Hello, Seattle', 'Hello, Cairo']);
  });
});

describe('a programming model v3 app (function.json per function)', () => {
  it('is refused at start with a message that says v3 is not supported and how to move on', async () => {
    await assert.rejects(
      startHostProcess(fixture('v3-app'), {}),
      /programming model v3 \(function\.json in HttpExample, TimerExample\).*v4 model only.*Migrate/s,
    );
  });
});
