import type { WorkPriority } from '../foregroundFirst';
import type { Invoker } from '../invoker';
import type { DurableClock } from './clock';
import { EventType, failureFields, historyEvent, type HistoryEvent } from './historyEvent';
import type { InFlight } from './inFlight';
import { isTerminal, nextSeq, outputText, type Instance } from './instance';
import type { Mailbox } from './mailbox';
import type { Effect } from './planning';
import { PayloadTooLargeError, type DurableStore, type InstanceRecord } from './store';
import { asFailure } from './tooLarge';

/** The longest wait between attempts to deliver a timer's firing or a task's outcome to its orchestration. */
const DELIVERY_RETRY_MAX_MS = 5_000;

// The work episodes start: activities (in a bounded pool), durable timers, sub-orchestrations, and the
// outcomes each sends back to its instance's mailbox as a message with a deterministic id (a duplicate
// outcome after a restart is dropped, not applied twice).

export type StartChild = (
  name: string,
  instanceId: string,
  inputJson: string | undefined,
  parent: { instanceId: string; taskId: number; generation: number },
) => Promise<'created' | 'exists'>;

export interface WorkerOptions {
  store: DurableStore;
  invoker: Invoker;
  clock: DurableClock;
  mailbox: Mailbox;
  inFlight: InFlight;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  maxConcurrentActivities: number;
  priority: WorkPriority;
  startChild: StartChild;
}

export class Workers {
  private activitiesRunning = 0;
  private readonly activityQueue: (() => void)[] = [];

  constructor(private readonly options: WorkerOptions) {}

  private get stopping(): boolean {
    return this.options.mailbox.stopping;
  }

  /** Starts what a committed episode planned. */
  start(instance: Instance, effects: Effect[]): void {
    const { instanceId, generation } = instance.record;
    for (const effect of effects) {
      switch (effect.kind) {
        case 'activity':
          this.runActivity(instanceId, generation, effect.taskId, effect.name, effect.inputJson);
          break;
        case 'orchestration':
          this.startChild(instanceId, generation, effect.taskId, effect.name, effect.instanceId, effect.inputJson);
          break;
        case 'timer':
          this.armTimer(instance, generation, effect.timerId, effect.fireAt);
          break;
        case 'cancelTimer':
          this.options.clock.cancel(instance.timers.get(effect.timerId));
          instance.timers.delete(effect.timerId);
          break;
      }
    }
  }

  /** After a restart: re-dispatch what history scheduled but no message has answered yet. */
  resume(instance: Instance): void {
    const answered = new Set<number>();
    for (const e of [...instance.history, ...instance.queue.map((m) => m.event)]) {
      if (
        e.EventType === EventType.TaskCompleted ||
        e.EventType === EventType.TaskFailed ||
        e.EventType === EventType.SubOrchestrationInstanceCompleted ||
        e.EventType === EventType.SubOrchestrationInstanceFailed
      )
        answered.add(e.TaskScheduledId as number);
      if (e.EventType === EventType.TimerFired) answered.add(e.TimerId as number);
    }
    const { instanceId, generation } = instance.record;
    const input = (e: HistoryEvent) => (e.Input as string | null) ?? undefined;
    for (const e of instance.history) {
      if (answered.has(e.EventId)) continue;
      if (e.EventType === EventType.TaskScheduled)
        this.runActivity(instanceId, generation, e.EventId, String(e.Name), input(e));
      if (e.EventType === EventType.TimerCreated && !instance.host.canceled.includes(e.EventId))
        this.armTimer(instance, generation, e.EventId, new Date(String(e.FireAt)));
      if (e.EventType === EventType.SubOrchestrationInstanceCreated)
        this.startChild(instanceId, generation, e.EventId, String(e.Name), String(e.InstanceId), input(e));
    }
    this.options.mailbox.drain(instance);
  }

  /** Tells a finished child's parent how it ended. */
  async notifyParent(child: InstanceRecord): Promise<void> {
    if (child.parentInstanceId === undefined || child.parentTaskId === undefined) return;
    const taskId = child.parentTaskId;
    const event =
      child.status === 'Completed'
        ? historyEvent(EventType.SubOrchestrationInstanceCompleted, {
            TaskScheduledId: taskId,
            Result: child.outputJson ?? 'null',
          })
        : historyEvent(EventType.SubOrchestrationInstanceFailed, {
            TaskScheduledId: taskId,
            ...failureFields(
              new Error(
                `Sub-orchestration "${child.name}" (${child.instanceId}) ${child.status.toLowerCase()}: ${outputText(child.outputJson)}`,
              ),
            ),
          });
    await this.deliverWithRetry(child.parentInstanceId, {
      id: `sub-${child.parentGeneration ?? 0}-${taskId}`,
      seq: nextSeq(this.options.clock.now()),
      gen: child.parentGeneration ?? 0,
      event,
    });
  }

  private startChild(
    parentId: string,
    generation: number,
    taskId: number,
    name: string,
    childId: string,
    inputJson: string | undefined,
  ): void {
    const { store, clock } = this.options;
    const run = async () => {
      try {
        const result = await this.options.startChild(name, childId, inputJson, {
          instanceId: parentId,
          taskId,
          generation,
        });
        if (result === 'exists') {
          const child = await store.getInstance(childId);
          if (child && isTerminal(child.status)) await this.notifyParent(child);
        }
      } catch (error) {
        await this.deliverWithRetry(parentId, {
          id: `sub-${generation}-${taskId}`,
          seq: nextSeq(clock.now()),
          gen: generation,
          event: historyEvent(EventType.SubOrchestrationInstanceFailed, {
            TaskScheduledId: taskId,
            ...failureFields(error),
          }),
        });
      }
    };
    void this.options.inFlight
      .track(run())
      .catch((error) => this.options.log('error', `Sub-orchestration ${childId}: ${(error as Error).message}`));
  }

  private armTimer(instance: Instance, generation: number, timerId: number, fireAt: Date): void {
    if (this.stopping) return;
    const { clock } = this.options;
    const handle = clock.schedule(fireAt, () => {
      instance.timers.delete(timerId);
      void this.deliverWithRetry(instance.record.instanceId, {
        id: `timer-${generation}-${timerId}`,
        seq: nextSeq(clock.now()),
        gen: generation,
        event: historyEvent(EventType.TimerFired, { TimerId: timerId, FireAt: fireAt.toISOString() }),
      });
    });
    instance.timers.set(timerId, handle);
  }

  private runActivity(
    instanceId: string,
    generation: number,
    taskId: number,
    name: string,
    inputJson: string | undefined,
  ): void {
    const { invoker, clock } = this.options;
    const run = async () => {
      let event: HistoryEvent;
      try {
        const fn = invoker.function(name);
        if (!fn || fn.trigger.type !== 'activityTrigger')
          throw new Error(`Activity function "${name}" does not exist in this app.`);
        const { result } = await invoker.invoke(fn, {
          trigger: inputJson === undefined ? undefined : { json: inputJson },
        });
        event = historyEvent(EventType.TaskCompleted, {
          TaskScheduledId: taskId,
          Result: result === undefined ? 'null' : JSON.stringify(result),
        });
      } catch (error) {
        event = historyEvent(EventType.TaskFailed, { TaskScheduledId: taskId, ...failureFields(error) });
      }
      await this.deliverWithRetry(instanceId, {
        id: `task-${generation}-${taskId}`,
        seq: nextSeq(clock.now()),
        gen: generation,
        event,
      });
    };
    const startOne = () => {
      this.activitiesRunning++;
      void this.options.inFlight.track(this.options.priority.runBackground(run)).finally(() => {
        this.activitiesRunning--;
        this.activityQueue.shift()?.();
      });
    };
    if (this.activitiesRunning < this.options.maxConcurrentActivities) startOne();
    else this.activityQueue.push(startOne);
  }

  /**
   * Delivers a timer's firing, an activity's outcome or a sub-orchestration's end until storage takes it. Azure
   * keeps each as a queue message from the moment it exists; here it exists only in this process until delivered,
   * so giving up on a storage failure would leave the orchestration waiting for ever.
   */
  private async deliverWithRetry(instanceId: string, message: Parameters<Mailbox['deliver']>[1]): Promise<void> {
    for (let attempt = 1; !this.stopping; attempt++) {
      try {
        return await this.options.mailbox.deliver(instanceId, message);
      } catch (error) {
        if (error instanceof PayloadTooLargeError) {
          // Never stored however often it is tried: the orchestration is told of the failure instead (tooLarge.ts).
          const failure = asFailure(message, error);
          const reason = failure ? String(failure.event.Reason) : `The message is too large to store: ${error.message}`;
          await this.options.store
            .addDeadLetter({
              instanceId,
              messageId: message.id,
              eventType: message.event.EventType,
              reason,
              at: this.options.clock.now().toISOString(),
            })
            .catch(() => undefined);
          this.options.log('warn', `Could not store ${message.id} for ${instanceId}, not retried: ${reason}`);
          if (!failure) return;
          message = failure;
          continue;
        }
        if (attempt === 1 || attempt % 10 === 0)
          this.options.log(
            'warn',
            `Could not deliver ${message.id} to ${instanceId} (attempt ${attempt}), retrying: ${(error as Error).message}`,
          );
        await new Promise((resolve) => setTimeout(resolve, Math.min(DELIVERY_RETRY_MAX_MS, 200 * 2 ** (attempt - 1))));
      }
    }
  }
}
