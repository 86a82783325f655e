import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { handleCallMediaRequest, type CallMediaDeps } from '@switchboard/app/call/callMediaRoute';
import { mediaTokenHashOf } from '@switchboard/app/call/mediaToken';

// The app's media route, the bridge's only view of a call: it admits a stream once per ACS token for the call
// whose media token it carries, says whether the orchestration still runs, and hangs up a call left without one.

const TOKEN_ID = 'a'.repeat(43);
const bearer = 'Bearer media-token-1';

function world(runtimeStatus = 'Running', output: unknown = null) {
  const used = new Set<string>();
  const hungUp: string[] = [];
  const instance = {
    runtimeStatus,
    output,
    input: { callId: 'call-1', mediaTokenHash: mediaTokenHashOf('media-token-1') },
    customStatus: { step: 'assistant' },
  };
  const deps: CallMediaDeps = {
    status: (callId) => Promise.resolve(callId === 'call-1' ? instance : undefined),
    connectionOf: () => Promise.resolve('connection-1'),
    firstUse: (id) => Promise.resolve(!used.has(id) && Boolean(used.add(id))),
    hangUp: (id) => Promise.resolve(void hungUp.push(id)),
  };
  return { deps, hungUp, instance };
}

const connection = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ kind: 'audio', tokenId: TOKEN_ID, expiresAt: 2_000_000_000, ...extra });

describe("the app's media route", () => {
  it('gives a stranger the same 401 for an unknown call and for a wrong token, and nothing else', async () => {
    const { deps } = world();
    for (const [callId, authorization] of [
      ['call-2', bearer],
      ['call-1', 'Bearer another-token'],
      ['call-1', null],
    ] as const) {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const result = await handleCallMediaRequest(method, callId, authorization, connection(), deps);
        assert.deepEqual([result.status, result.jsonBody], [401, { error: 'not authorised for this call' }]);
      }
    }
  });

  it('admits a stream once per ACS token, and refuses the token the second time', async () => {
    const { deps } = world();
    const first = await handleCallMediaRequest('POST', 'call-1', bearer, connection(), deps);
    assert.deepEqual([first.status, first.jsonBody], [201, { running: true, step: 'assistant' }]);
    const again = await handleCallMediaRequest('POST', 'call-1', bearer, connection({ kind: 'transcription' }), deps);
    assert.deepEqual([again.status, again.jsonBody], [401, { error: 'replayed-token' }]);
  });

  it("refuses a stream whose ACS connection header names another call's connection", async () => {
    const { deps } = world();
    const other = await handleCallMediaRequest(
      'POST',
      'call-1',
      bearer,
      connection({ callConnectionId: 'connection-2' }),
      deps,
    );
    assert.equal(other.status, 401);
    const own = await handleCallMediaRequest(
      'POST',
      'call-1',
      bearer,
      connection({ callConnectionId: 'connection-1' }),
      deps,
    );
    assert.equal(own.status, 201);
  });

  it('refuses a stream for a call that has ended, and a malformed request with what is wrong', async () => {
    const ended = await handleCallMediaRequest('POST', 'call-1', bearer, connection(), world('Terminated').deps);
    assert.deepEqual([ended.status, ended.jsonBody], [409, { error: 'the call has ended' }]);
    const bad = await handleCallMediaRequest('POST', 'call-1', bearer, connection({ tokenId: 'x' }), world().deps);
    assert.equal(bad.status, 400);
    assert.match((bad.jsonBody as { error: string }).error, /tokenId/);
  });

  it('tells the bridge whether the orchestration runs, and at which step', async () => {
    const running = await handleCallMediaRequest('GET', 'call-1', bearer, '', world().deps);
    assert.deepEqual(running.jsonBody, { running: true, step: 'assistant' });
    for (const status of ['Terminated', 'Failed', 'Completed']) {
      const ended = await handleCallMediaRequest('GET', 'call-1', bearer, '', world(status).deps);
      assert.deepEqual(ended.jsonBody, { running: false });
    }
  });

  it('hangs up a call whose orchestration has ended, never one still running or handed to a person', async () => {
    const terminated = world('Terminated');
    const gone = await handleCallMediaRequest('DELETE', 'call-1', bearer, '', terminated.deps);
    assert.deepEqual([gone.status, gone.jsonBody, terminated.hungUp], [200, { hungUp: true }, ['connection-1']]);

    const running = world('Running');
    assert.equal((await handleCallMediaRequest('DELETE', 'call-1', bearer, '', running.deps)).status, 409);
    const transferred = world('Completed', { outcome: 'transferred' });
    const handed = await handleCallMediaRequest('DELETE', 'call-1', bearer, '', transferred.deps);
    assert.deepEqual([handed.status, handed.jsonBody], [200, { hungUp: false }]);
    assert.deepEqual([...running.hungUp, ...transferred.hungUp], []);
  });

  it('counts a call ACS no longer knows (404 on hang-up) as hung up', async () => {
    const { deps } = world('Failed');
    const result = await handleCallMediaRequest('DELETE', 'call-1', bearer, '', {
      ...deps,
      hangUp: () => Promise.reject(Object.assign(new Error('gone'), { statusCode: 404 })),
    });
    assert.deepEqual([result.status, result.jsonBody], [200, { hungUp: true }]);
  });
});
