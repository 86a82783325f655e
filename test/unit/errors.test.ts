import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RestError } from '@azure/core-rest-pipeline';
import { dropIfInvalid, RemoteServiceError, ValidationError } from '@switchboard/core/errors';

describe('poison events versus failures a retry can fix', () => {
  const outcome = async (error: unknown) => {
    const dropped: string[] = [];
    try {
      await dropIfInvalid(
        () => Promise.reject(error instanceof Error ? error : new Error(String(error))),
        (reason) => {
          dropped.push(reason);
        },
      );
      return dropped.length ? 'dropped' : 'handled';
    } catch {
      return 'retried';
    }
  };

  it('drops invalid input and requests ACS refuses for good (400, 404, 409)', async () => {
    assert.equal(await outcome(new ValidationError('bad event')), 'dropped');
    for (const statusCode of [400, 404, 409])
      assert.equal(await outcome(new RestError('refused', { statusCode })), 'dropped', `status ${statusCode}`);
  });

  it('lets throttling, timeouts, server errors and outages be delivered again', async () => {
    for (const statusCode of [408, 429, 500, 503])
      assert.equal(await outcome(new RestError('try later', { statusCode })), 'retried', `status ${statusCode}`);
    assert.equal(await outcome(new RestError('connect ECONNREFUSED', { code: 'ECONNREFUSED' })), 'retried');
    assert.equal(await outcome(new RemoteServiceError('ACS is down', { retryable: true, status: 503 })), 'retried');
  });
});
