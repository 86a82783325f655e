import type { Invoker } from '../invoker';
import type { DurableClock } from './clock';
import { EventType } from './historyEvent';
import { answeredId, isTerminal, nextSeq, outputText, type Instance } from './instance';
import { commitRecord, nextState, openingEvents, type Effect, type ReplayOutcome, type Transition } from './planning';
import { replayOrchestrator } from './replay';
import { PayloadTooLargeError, type DurableStore, type InstanceRecord, type StoredMessage } from './store';
import { asFailure, withoutPayload } from './tooLarge';

// One episode: replay the orchestrator (the durable-functions library's own code does the replay) over
// the instance's history plus one new message, plan the next state (planning.ts), commit it in one
// store write, then start the work it planned. One message per episode keeps task numbering unambiguous.

export interface EpisodeHooks {
  /** Starts the work a committed episode planned. */
  start(instance: Instance, effects: Effect[]): void;
  /** An instance reached a terminal state (its timers are already cleared). */
  finished(record: InstanceRecord): Promise<void>;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export class EpisodeRunner {
  constructor(
    private readonly store: DurableStore,
    private readonly invoker: Invoker,
    private readonly clock: DurableClock,
    private readonly hooks: EpisodeHooks,
  ) {}

  /** Runs one episode for `message`; `persisted` says whether the message is a stored row to consume. */
  async run(instance: Instance, message: StoredMessage, persisted = true): Promise<void> {
    try {
      await this.runOnce(instance, message, persisted);
    } catch (error) {
      if (!(error instanceof PayloadTooLargeError)) throw error;
      await this.tooLarge(instance, message, persisted, error);
    }
  }

  /**
   * An episode storage can never take (tooLarge.ts): the orchestration is told of an outcome too large as a
   * failure; when its own state is too large it fails. Either way a dead letter records it, and nothing is retried.
   */
  private async tooLarge(
    instance: Instance,
    message: StoredMessage,
    persisted: boolean,
    error: PayloadTooLargeError,
  ): Promise<void> {
    const instanceId = instance.record.instanceId;
    const failure = asFailure(message, error);
    const reason = failure
      ? String(failure.event.Reason)
      : `The orchestration's state is too large to store: ${error.message}`;
    const at = this.clock.now();
    await this.store.addDeadLetter({
      instanceId,
      messageId: message.id,
      eventType: message.event.EventType,
      reason,
      at: at.toISOString(),
    });
    this.hooks.log('warn', `Orchestration ${instanceId}: ${message.id} cannot be stored, not retried: ${reason}`);
    if (failure) {
      try {
        return await this.runOnce(instance, failure, persisted);
      } catch (again) {
        if (!(again instanceof PayloadTooLargeError)) throw again;
      }
    }
    const record = instance.record;
    const transition = nextState({
      record,
      host: instance.host,
      message: withoutPayload(message),
      outcome: { failure: reason },
      now: at,
      startSeq: `0${nextSeq(at)}`,
    });
    await this.store.commitEpisode(
      commitRecord(record, transition),
      transition.events,
      persisted ? message.id : undefined,
      [],
      instance.creating,
    );
    await this.apply(instance, transition, answeredId(message.event));
  }

  private async runOnce(instance: Instance, message: StoredMessage, persisted: boolean): Promise<void> {
    const record = instance.record;
    const outcomeOf = answeredId(message.event);
    const stale =
      isTerminal(record.status) ||
      (message.gen >= 0 && message.gen !== record.generation) ||
      (outcomeOf !== undefined && instance.answered.has(outcomeOf));
    if (stale) {
      if (persisted) await this.store.deleteMessage(record.instanceId, message.id);
      return;
    }
    const now = this.clock.now();
    const outcome =
      message.event.EventType === EventType.ExecutionTerminated ? undefined : await this.replay(instance, message, now);
    const transition = nextState({
      record,
      host: instance.host,
      message,
      outcome,
      now,
      startSeq: `0${nextSeq(now)}`,
    });
    await this.store.commitEpisode(
      commitRecord(record, transition),
      transition.events,
      persisted ? message.id : undefined,
      transition.kind === 'continuedAsNew' ? [transition.start] : [],
      instance.creating,
    );
    await this.apply(instance, transition, outcomeOf);
  }

  private async apply(instance: Instance, transition: Transition, outcomeOf: number | undefined): Promise<void> {
    const instanceId = instance.record.instanceId;
    if (transition.kind === 'running') {
      instance.record = transition.record;
      instance.host = transition.host;
      instance.history.push(...transition.events);
      if (outcomeOf !== undefined) instance.answered.add(outcomeOf);
      this.hooks.start(instance, transition.effects);
      return;
    }
    this.clearTimers(instance);
    if (transition.kind === 'continuedAsNew') {
      instance.record = transition.record;
      instance.host = JSON.parse(transition.record.hostJson) as Instance['host'];
      instance.history = [];
      instance.answered = new Set();
      // Drop what belonged to the old generation; external events carry over.
      instance.queue = [transition.start, ...instance.queue.filter((m) => m.gen < 0)];
      return;
    }
    const done = transition.record;
    instance.record = done;
    instance.history.push(...transition.events);
    if (done.status === 'Failed')
      this.hooks.log('warn', `Orchestration ${done.name} (${instanceId}) failed: ${outputText(done.outputJson)}`);
    await this.hooks.finished(done);
  }

  private clearTimers(instance: Instance): void {
    for (const timer of instance.timers.values()) this.clock.cancel(timer);
    instance.timers.clear();
  }

  private async replay(instance: Instance, message: StoredMessage, now: Date): Promise<ReplayOutcome> {
    const record = instance.record;
    const fn = this.invoker.function(record.name);
    if (!fn) return { failure: `The orchestrator function "${record.name}" does not exist in this app.` };
    return replayOrchestrator(this.invoker, fn, {
      history: [...instance.history.map((e) => ({ ...e, IsPlayed: true })), ...openingEvents(message, now)],
      inputJson: record.inputJson,
      instanceId: record.instanceId,
      parentInstanceId: record.parentInstanceId,
    });
  }
}
