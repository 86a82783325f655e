import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { getServices } from '../src/app/services';
import { callDriverOf, sweepOrphanedCalls } from '../src/call/orphanSweep';

let sweeping = false;

// Every 5 s: a live call whose orchestration is over (terminated, purged, failed, ended without hanging up) is
// hung up, so no call outlives its orchestration by more than about 10 s. A call handed to a person is left alone.
export async function callOrphanSweep(_timer: Timer, context: InvocationContext): Promise<void> {
  // Azure runs a timer function on one instance at a time; a sweep still running here is not started twice.
  if (sweeping) return;
  sweeping = true;
  try {
    const { liveCalls, callAutomation } = await getServices();
    const client = df.getClient(context);
    const swept = await sweepOrphanedCalls({
      live: liveCalls,
      driverOf: async (callId) => {
        try {
          return callDriverOf(await client.getStatus(callId));
        } catch (error) {
          // The client reports an unknown instance (purged) only as an Error naming the 404.
          if (/HTTP 404/.test((error as Error).message)) return callDriverOf(undefined);
          throw error;
        }
      },
      hangUp: async (callConnectionId) => {
        await callAutomation
          .getCallConnection(callConnectionId)
          .hangUp(true)
          .catch((error: unknown) => {
            if ((error as { statusCode?: number }).statusCode !== 404) throw error;
          });
      },
    });
    if (swept.hungUp) context.warn('calls hung up: their orchestration is over', { count: swept.hungUp });
  } finally {
    sweeping = false;
  }
}

app.timer('callOrphanSweep', {
  schedule: '*/5 * * * * *',
  extraInputs: [df.input.durableClient()],
  handler: callOrphanSweep,
});
