import type { AppFunction } from '../appLoader';
import type { Invoker } from '../invoker';
import type { HistoryEvent } from './historyEvent';
import { parseJson, type OrchestratorState } from './instance';
import type { ReplayOutcome } from './planning';

// One call of an orchestrator function, as the Durable extension makes it for out-of-process workers:
// the whole history in the trigger's binding data; the library replays it and returns its state.

export interface ReplayRequest {
  history: HistoryEvent[];
  inputJson: string | undefined;
  instanceId: string;
  parentInstanceId?: string;
}

export async function replayOrchestrator(
  invoker: Invoker,
  fn: AppFunction,
  request: ReplayRequest,
): Promise<ReplayOutcome> {
  const bindingInfo = {
    history: request.history,
    input: parseJson(request.inputJson),
    instanceId: request.instanceId,
    isReplaying: request.history.some((e) => e.IsPlayed),
    parentInstanceId: request.parentInstanceId,
    // Schema V2: timers stay single actions (V3 splits long timers into sub-timers the host would track).
    upperSchemaVersion: 1,
    longRunningTimerIntervalDuration: '3.00:00:00',
    maximumShortTimerDuration: '6.00:00:00',
    defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
  };
  try {
    const { result } = await invoker.invoke(fn, { trigger: { json: JSON.stringify(bindingInfo) } });
    return { state: result as OrchestratorState };
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    const marker = message.indexOf('$OutOfProcData$:');
    if (marker >= 0) {
      let state: OrchestratorState | undefined;
      try {
        state = JSON.parse(message.slice(marker + '$OutOfProcData$:'.length)) as OrchestratorState;
      } catch {
        state = undefined;
      }
      return { state, failure: (state?.error ?? message.slice(0, marker)).trim() };
    }
    return { failure: `Orchestrator function "${fn.name}" failed: ${message}` };
  }
}
