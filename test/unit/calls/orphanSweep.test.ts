import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callDriverOf, sweepOrphanedCalls, type CallDriver } from '@switchboard/app/call/orphanSweep';

/** A sweep over live calls whose orchestrations stand as given (a thrown Error: the status cannot be read). */
async function sweep(drivers: Record<string, CallDriver | Error>, failingHangUps: string[] = []) {
  const live = new Set(Object.keys(drivers));
  const hungUp: string[] = [];
  const result = await sweepOrphanedCalls({
    live: {
      // eslint-disable-next-line @typescript-eslint/require-await
      async *list() {
        for (const callId of live) yield { callId, callConnectionId: `conn-${callId}`, since: '' };
      },
      remove: (callId) => Promise.resolve(void live.delete(callId)),
    },
    driverOf: (callId) => {
      const driver = drivers[callId];
      return driver instanceof Error ? Promise.reject(driver) : Promise.resolve(driver);
    },
    hangUp: (connection) =>
      failingHangUps.includes(connection)
        ? Promise.reject(new Error('503'))
        : Promise.resolve(void hungUp.push(connection)),
  });
  return { result, hungUp, left: [...live].sort() };
}

describe('the orphan sweep', () => {
  it('hangs up the calls whose orchestration is over and leaves running and unreadable ones', async () => {
    const { result, hungUp, left } = await sweep({
      ended: 'over',
      person: 'handed-over',
      talking: 'running',
      unknown: new Error('storage timed out'),
    });
    assert.deepEqual(hungUp, ['conn-ended']);
    assert.deepEqual(result, { hungUp: 1, handedOver: 1 });
    assert.deepEqual(left, ['talking', 'unknown'], 'a call handed to a person is forgotten, not hung up');
  });

  it('keeps a call whose hang-up failed, for the next sweep', async () => {
    const { left } = await sweep({ ended: 'over' }, ['conn-ended']);
    assert.deepEqual(left, ['ended']);
  });

  it('reads a purged, terminated, failed or otherwise finished orchestration as over, a transfer as handed over', () => {
    assert.equal(callDriverOf(undefined), 'over');
    assert.equal(callDriverOf({ runtimeStatus: 'Terminated' }), 'over');
    assert.equal(callDriverOf({ runtimeStatus: 'Failed' }), 'over');
    assert.equal(callDriverOf({ runtimeStatus: 'Completed', output: { outcome: 'caller-hung-up' } }), 'over');
    assert.equal(callDriverOf({ runtimeStatus: 'Completed', output: { outcome: 'transferred' } }), 'handed-over');
    assert.equal(callDriverOf({ runtimeStatus: 'Pending' }), 'running');
  });
});
