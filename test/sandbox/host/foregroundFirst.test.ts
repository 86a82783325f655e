import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { ForegroundFirst } from '@switchboard/functions-host/foregroundFirst';

/** A promise whose settling the test controls. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Three background jobs, each recording that it started, then holding until its blocker opens. */
function threeBackgroundJobs(priority: ForegroundFirst) {
  const started: number[] = [];
  const blockers = [gate(), gate(), gate()];
  const runs = blockers.map((b, i) =>
    priority.runBackground(async () => {
      started.push(i);
      await b.promise;
    }),
  );
  return { started, blockers, runs };
}

/** Lets every already-settled continuation run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the local host putting ringing calls ahead of Durable background work', () => {
  it('starts background work at once while nothing in the foreground runs', async () => {
    const priority = new ForegroundFirst(1);
    const { started, blockers, runs } = threeBackgroundJobs(priority);
    await settle();
    assert.deepEqual(started, [0, 1, 2]);
    blockers.forEach((b) => b.open());
    await Promise.all(runs);
  });

  it('lets only the allowed number of background jobs start while a foreground job runs, and the rest after it', async () => {
    const priority = new ForegroundFirst(1);
    const foreground = gate();
    const running = priority.runForeground(() => foreground.promise);
    const { started, blockers, runs } = threeBackgroundJobs(priority);
    await settle();
    assert.deepEqual(started, [0], 'one background job at a time while the call is being answered');
    assert.equal(priority.backgroundFree(), false, 'a message delivered now is stored, not run inline');

    blockers[0].open();
    await settle();
    assert.deepEqual(started, [0, 1], 'background work keeps moving, one at a time, so nothing starves');

    foreground.open();
    await running;
    await settle();
    assert.deepEqual(started, [0, 1, 2], 'the rest start once the foreground is done');
    assert.equal(priority.backgroundFree(), true);
    blockers.forEach((b) => b.open());
    await Promise.all(runs);
  });

  it('starts background work that has waited its longest even while the foreground is still busy', async () => {
    mock.timers.enable({ apis: ['setInterval', 'Date'] });
    try {
      const priority = new ForegroundFirst(1, 2_000);
      const foreground = gate();
      const running = priority.runForeground(() => foreground.promise);
      const { started, blockers, runs } = threeBackgroundJobs(priority);
      await settle();
      assert.deepEqual(started, [0]);
      mock.timers.tick(1_500);
      await settle();
      assert.deepEqual(started, [0], 'still waiting: the call is ringing');
      mock.timers.tick(1_000);
      await settle();
      assert.deepEqual(started, [0, 1, 2], 'held two seconds: a callback is not kept until ACS gives up on it');
      foreground.open();
      await running;
      blockers.forEach((b) => b.open());
      await Promise.all(runs);
    } finally {
      mock.timers.reset();
    }
  });

  it('frees the slot of background work that failed, and passes its error on', async () => {
    const priority = new ForegroundFirst(1);
    const foreground = gate();
    const running = priority.runForeground(() => foreground.promise);
    const failed = priority.runBackground(() => Promise.reject(new Error('storage down')));
    let next = false;
    const after = priority.runBackground(() => {
      next = true;
      return Promise.resolve();
    });
    await assert.rejects(failed, /storage down/);
    await after;
    assert.equal(next, true);
    foreground.open();
    await running;
  });
});
