import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActionType } from '@switchboard/functions-host/durable/actions';
import { EventType, historyEvent } from '@switchboard/functions-host/durable/historyEvent';
import { emptyHost, type HostState } from '@switchboard/functions-host/durable/instance';
import { commitRecord, nextState, startMessage, type EpisodeInput } from '@switchboard/functions-host/durable/planning';
import type { InstanceRecord, StoredMessage } from '@switchboard/functions-host/durable/store';

// The engine's planning step on its own: an orchestrator's actions in, the next state out.

const now = new Date('2026-11-30T12:00:00.000Z');
const record: InstanceRecord = {
  instanceId: 'order-1',
  name: 'orderWorkflow',
  status: 'Pending',
  createdTime: now.toISOString(),
  lastUpdatedTime: now.toISOString(),
  generation: 0,
  episode: 0,
  inputJson: '{"sku":"A1"}',
  customStatusJson: '"earlier"',
  hostJson: JSON.stringify(emptyHost()),
};
const start = startMessage(record, record.inputJson, '0-start');
const message = (id: string, type: number, fields: Record<string, unknown>): StoredMessage => ({
  id,
  seq: `1-${id}`,
  gen: 0,
  event: historyEvent(type, fields, -1, now),
});
const plan = (overrides: Partial<EpisodeInput>) =>
  nextState({ record, host: emptyHost(), message: start, now, startSeq: '0-next', ...overrides });
const activity = (name: string, input?: unknown) => ({
  actionType: ActionType.CallActivity,
  functionName: name,
  input,
});

describe('Durable planning (an orchestrator’s actions to the next state)', () => {
  it('numbers a new activity, records TaskScheduled and plans the activity run', () => {
    const next = plan({ outcome: { state: { isDone: false, actions: [[activity('reserve', { sku: 'A1' })]] } } });
    assert.equal(next.kind, 'running');
    if (next.kind !== 'running') return;
    assert.deepEqual(
      next.events.map((e) => e.EventType),
      [
        EventType.OrchestratorStarted,
        EventType.ExecutionStarted,
        EventType.TaskScheduled,
        EventType.OrchestratorCompleted,
      ],
    );
    assert.equal(next.events[2].EventId, 0);
    assert.deepEqual(next.effects, [{ kind: 'activity', taskId: 0, name: 'reserve', inputJson: '{"sku":"A1"}' }]);
    assert.deepEqual(next.host.sigs, [{ t: ActionType.CallActivity, n: 'reserve', id: 0 }]);
    assert.equal(next.record.status, 'Running');
    assert.equal(next.record.episode, 1);
    assert.equal(commitRecord(record, next).episode, 0, 'history is stored under the episode it ran in');
    assert.equal(next.record.customStatusJson, '"earlier"', 'custom status stays when the orchestrator sets none');
  });

  it('schedules nothing again that history already holds, and only the new action', () => {
    const host: HostState = { ...emptyHost(), nextId: 1, sigs: [{ t: ActionType.CallActivity, n: 'reserve', id: 0 }] };
    const done = message('task-0-0', EventType.TaskCompleted, { TaskScheduledId: 0, Result: '1' });
    const next = plan({
      host,
      message: done,
      outcome: { state: { isDone: false, actions: [[activity('reserve')], [activity('charge', 'card')]] } },
    });
    assert.equal(next.kind, 'running');
    if (next.kind !== 'running') return;
    assert.deepEqual(next.effects, [{ kind: 'activity', taskId: 1, name: 'charge', inputJson: 'card' }]);
    assert.equal(host.sigs.length, 1, 'the input state is not changed');
  });

  it('fails a non-deterministic orchestrator, naming what history has and what replay did', () => {
    const host: HostState = { ...emptyHost(), nextId: 1, sigs: [{ t: ActionType.CallActivity, n: 'reserve', id: 0 }] };
    const next = plan({ host, outcome: { state: { isDone: false, actions: [[activity('refund')]] } } });
    assert.equal(next.kind, 'finished');
    assert.equal(next.record.status, 'Failed');
    assert.match(
      String(next.record.outputJson),
      /CallActivity \\"refund\\" but history has CallActivity \\"reserve\\"/,
    );
    assert.equal(next.events.at(-1)?.EventType, EventType.ExecutionCompleted);
  });

  it('retries a failed activity after a backoff timer, then runs a new attempt with a new task id', () => {
    const retryOptions = { firstRetryIntervalInMilliseconds: 2_000, maxNumberOfAttempts: 3 };
    const first = plan({
      outcome: {
        state: {
          isDone: false,
          actions: [[{ actionType: ActionType.CallActivityWithRetry, functionName: 'charge', retryOptions }]],
        },
      },
    });
    assert.equal(first.kind, 'running');
    if (first.kind !== 'running') return;
    const failed = message('task-0-0', EventType.TaskFailed, { TaskScheduledId: 0, Reason: 'declined' });
    const backoff = plan({
      record: first.record,
      host: first.host,
      message: failed,
      outcome: {
        state: {
          isDone: false,
          actions: [[{ actionType: ActionType.CallActivityWithRetry, functionName: 'charge', retryOptions }]],
        },
      },
    });
    assert.equal(backoff.kind, 'running');
    if (backoff.kind !== 'running') return;
    assert.deepEqual(backoff.effects, [{ kind: 'timer', timerId: 1, fireAt: new Date(now.getTime() + 2_000) }]);
    const fired = message('timer-0-1', EventType.TimerFired, { TimerId: 1 });
    const again = plan({
      record: backoff.record,
      host: backoff.host,
      message: fired,
      outcome: {
        state: {
          isDone: false,
          actions: [[{ actionType: ActionType.CallActivityWithRetry, functionName: 'charge', retryOptions }]],
        },
      },
    });
    assert.equal(again.kind, 'running');
    if (again.kind !== 'running') return;
    assert.deepEqual(again.effects, [{ kind: 'activity', taskId: 2, name: 'charge', inputJson: undefined }]);
  });

  it('cancels a timer the orchestrator cancelled (the losing side of a race), once', () => {
    const fireAt = new Date(now.getTime() + 60_000);
    const host: HostState = {
      ...emptyHost(),
      nextId: 1,
      sigs: [
        { t: ActionType.WaitForExternalEvent, n: 'Approval' },
        { t: ActionType.CreateTimer, n: '', id: 0 },
      ],
    };
    const actions = [
      [
        {
          actionType: ActionType.WhenAny,
          compoundActions: [
            { actionType: ActionType.WaitForExternalEvent, externalEventName: 'Approval' },
            { actionType: ActionType.CreateTimer, fireAt, isCanceled: true },
          ],
        },
      ],
    ];
    const raised = message('event-1', EventType.EventRaised, { Name: 'Approval', Input: '{}' });
    const next = plan({ host, message: raised, outcome: { state: { isDone: false, actions } } });
    assert.equal(next.kind, 'running');
    if (next.kind !== 'running') return;
    assert.deepEqual(next.effects, [{ kind: 'cancelTimer', timerId: 0 }]);
    const later = plan({ host: next.host, message: raised, outcome: { state: { isDone: false, actions } } });
    assert.deepEqual(later.kind === 'running' && later.effects, []);
  });

  it('completes with the orchestrator output', () => {
    const next = plan({ outcome: { state: { isDone: true, actions: [], output: { ok: true } } } });
    assert.equal(next.kind, 'finished');
    assert.equal(next.record.status, 'Completed');
    assert.equal(next.record.outputJson, '{"ok":true}');
  });

  it('continues as new: the next generation starts with the new input, history closed with ContinueAsNew', () => {
    const next = plan({
      outcome: { state: { isDone: true, actions: [[{ actionType: ActionType.ContinueAsNew, input: { n: 2 } }]] } },
    });
    assert.equal(next.kind, 'continuedAsNew');
    if (next.kind !== 'continuedAsNew') return;
    assert.equal(next.record.generation, 1);
    assert.equal(next.record.episode, 0);
    assert.equal(next.start.gen, 1);
    assert.equal(next.start.seq, '0-next');
    assert.equal(next.start.event.Input, '{"n":2}');
    assert.equal(next.events.at(-1)?.EventType, EventType.ContinueAsNew);
    assert.equal(commitRecord(record, next).generation, 0, 'the closing episode belongs to the old generation');
  });

  it('terminates without replaying, with the reason as output and no custom status', () => {
    const terminate = message('terminate', EventType.ExecutionTerminated, { Input: '"caller asked"' });
    const next = plan({ message: terminate });
    assert.equal(next.kind, 'finished');
    assert.equal(next.record.status, 'Terminated');
    assert.equal(next.record.outputJson, '"caller asked"');
    assert.equal(next.record.customStatusJson, undefined);
  });

  it('fails on an action the local host does not emulate (entities)', () => {
    const next = plan({ outcome: { state: { isDone: false, actions: [[{ actionType: ActionType.CallEntity }]] } } });
    assert.equal(next.record.status, 'Failed');
    assert.match(String(next.record.outputJson), /CallEntity, which the local host does not support/);
  });
});
