import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startAzurite, type AzuriteInstance } from '@switchboard/functions-host/azurite';
import { EventType, historyEvent, type HistoryEvent } from '@switchboard/functions-host/durable/historyEvent';
import { MemoryDurableStore } from '@switchboard/functions-host/durable/memoryStore';
import {
  InstanceExistsError,
  type DurableStore,
  type InstanceRecord,
  type StoredMessage,
} from '@switchboard/functions-host/durable/store';
import { TableDurableStore } from '@switchboard/functions-host/durable/tableStore';

// One contract for both Durable stores: the host's Table store (on Azurite) and the memory store the
// orchestrator tests run the engine on. What the engine relies on must hold for both, or a test passing on
// memory would say nothing about the host.

const at = new Date('2026-11-30T12:00:00.000Z');
const record = (instanceId: string, fields: Partial<InstanceRecord> = {}): InstanceRecord => ({
  instanceId,
  name: 'orderWorkflow',
  status: 'Running',
  createdTime: at.toISOString(),
  lastUpdatedTime: at.toISOString(),
  generation: 0,
  episode: 0,
  inputJson: '{"sku":"A1"}',
  hostJson: '{"nextId":0}',
  ...fields,
});
const message = (id: string, seq: string, gen = 0): StoredMessage => ({
  id,
  seq,
  gen,
  event: historyEvent(EventType.EventRaised, { Name: id, Input: '{}' }, -1, at),
});
const marker = (n: number): HistoryEvent => historyEvent(EventType.TimerFired, { TimerId: n }, -1, at);
/** What a store hands back, as the engine reads it (fields left undefined are absent). */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function contract(name: string, open: () => DurableStore) {
  describe(`the Durable ${name}`, () => {
    let store: DurableStore;
    before(async () => {
      store = open();
      await store.init();
    });

    it('creates an instance once: a second first episode for the same id is refused', async () => {
      await store.commitEpisode(record('once'), [marker(0)], undefined, [], true);
      await assert.rejects(store.commitEpisode(record('once'), [marker(1)], undefined, [], true), InstanceExistsError);
      const { history } = await store.loadPartition(record('once'));
      assert.deepEqual(
        history.map((e) => e.TimerId),
        [0],
        'the refused episode left nothing behind',
      );
    });

    it("loads the current generation's history in episode order, past episode 9", async () => {
      for (let episode = 0; episode < 12; episode++)
        await store.commitEpisode(record('order', { episode }), [marker(episode)], undefined, [], episode === 0);
      await store.commitEpisode(record('order', { generation: 1, episode: 0 }), [marker(100)], undefined);
      const first = await store.loadPartition(record('order'));
      assert.deepEqual(
        first.history.map((e) => e.TimerId),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
      );
      const second = await store.loadPartition(record('order', { generation: 1 }));
      assert.deepEqual(
        second.history.map((e) => e.TimerId),
        [100],
      );
      assert.deepEqual(plain(await store.getInstance('order')), plain(record('order', { generation: 1, episode: 0 })));
    });

    it('keeps waiting messages in seq order, refuses a duplicate id, and an episode consumes one and adds others', async () => {
      await store.commitEpisode(record('mail'), [marker(0)], undefined, [], true);
      assert.equal(await store.addMessage('mail', message('b', '1-0002')), true);
      assert.equal(await store.addMessage('mail', message('a', '1-0001')), true);
      assert.equal(await store.addMessage('mail', message('a', '1-0009')), false, 'a duplicate delivery');
      assert.deepEqual(
        (await store.loadPartition(record('mail'))).messages.map((m) => [m.id, m.seq]),
        [
          ['a', '1-0001'],
          ['b', '1-0002'],
        ],
      );
      await store.commitEpisode(record('mail', { episode: 1 }), [marker(1)], 'a', [message('start-1', '0-0001', 1)]);
      const after = await store.loadPartition(record('mail', { episode: 1 }));
      assert.deepEqual(
        after.messages.map((m) => m.id),
        ['start-1', 'b'],
      );
      assert.deepEqual(after.messages[0], plain(message('start-1', '0-0001', 1)));
      await store.deleteMessage('mail', 'b');
      await store.deleteMessage('mail', 'b');
      assert.deepEqual(
        (await store.loadPartition(record('mail'))).messages.map((m) => m.id),
        ['start-1'],
      );
    });

    it('keeps ids with characters table keys forbid, and payloads larger than a table property', async () => {
      const id = 'call/7#x?y\\z';
      const big = JSON.stringify({ transcript: 'x'.repeat(150_000) });
      await store.commitEpisode(record(id, { inputJson: big }), [marker(0)], undefined, [], true);
      assert.equal((await store.getInstance(id))?.inputJson, big);
      assert.equal(await store.addMessage(id, message('m/1', '1-0001')), true);
      assert.deepEqual(
        (await store.loadPartition(record(id))).messages.map((m) => m.id),
        ['m/1'],
      );
    });

    it('lists the instances it holds and purges one with everything it holds', async () => {
      await store.commitEpisode(record('gone'), [marker(0)], undefined, [], true);
      await store.addMessage('gone', message('late', '1-0001'));
      const ids = [];
      for await (const r of store.listInstances()) ids.push(r.instanceId);
      assert.ok(ids.includes('gone') && ids.includes('once'), `listed: ${ids.join(', ')}`);
      assert.equal(await store.purge('gone'), 1);
      assert.equal(await store.getInstance('gone'), undefined);
      assert.deepEqual(await store.loadPartition(record('gone')), { history: [], messages: [] });
      assert.equal(await store.purge('gone'), 0);
    });
  });
}

let azurite: AzuriteInstance | undefined;
before(async () => {
  azurite = await startAzurite();
});
after(async () => {
  await azurite?.stop();
});

contract('memory store', () => new MemoryDurableStore());
contract('Table store on Azurite', () => {
  if (!azurite) throw new Error('Azurite did not start.');
  return new TableDurableStore(azurite.connectionString, 'contract');
});
