import { app, type EventGridEvent, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getServices } from '../src/app/services';
import { inEventGridSchema } from '../src/acs/eventGridSchemas';
import { dropIfInvalid } from '@switchboard/core/errors';
import { OrchestrationNames } from '../src/call/names';
import { callMetrics } from '../src/telemetry/metrics';

// Microsoft.Communication.IncomingCall from Event Grid: route, claim, start the call's orchestration,
// then answer / redirect / reject. Poison events (malformed, an expired incomingCallContext, numbers that are not
// E.164) are logged, dead-lettered and answered as handled: a retry cannot fix them.
export async function incomingCall(received: EventGridEvent, context: InvocationContext): Promise<void> {
  const event = inEventGridSchema(received);
  // Its zod-validated parsing loads on first use, not when the worker starts (cold start).
  const [services, { handleIncomingCall }] = await Promise.all([
    getServices(),
    import('../src/call/handleIncomingCall.js'),
  ]);
  const drop = services.deadLetters.dropper('incomingCall', event, (message, properties) =>
    context.warn(message, properties),
  );
  // The subscription filters on IncomingCall; anything else is recorded, never ignored without a trace.
  if (event.eventType !== 'Microsoft.Communication.IncomingCall')
    return drop('incomingCall handles Microsoft.Communication.IncomingCall events only');
  const client = df.getClient(context);
  const result = await dropIfInvalid(
    () =>
      handleIncomingCall(event.data, {
        ...services,
        client: services.callAutomation,
        seal: (value) => services.sealed.seal(value),
        startFlow: async (callId, session) => {
          await client.startNew(OrchestrationNames.callFlow, { instanceId: callId, input: session });
        },
        cancelFlow: (callId, reason) => client.terminate(callId, reason),
      }),
    drop,
  );
  if (result) context.info('incoming call handled', { outcome: result.outcome, callId: result.callId });
  if (result?.outcome === 'answered') {
    if (!result.connectionRecorded)
      context.warn(
        'answered call has no recorded connection id: a lost CallConnected cannot be recovered, nor the call hung up if its orchestration ends early',
        {
          callId: result.callId,
        },
      );
    const raised = Date.parse(String(event.eventTime));
    if (Number.isFinite(raised)) callMetrics.answered(Math.max(0, Date.now() - raised), { flow: result.flow });
  }
}

app.eventGrid('incomingCall', { extraInputs: [df.input.durableClient()], handler: incomingCall });
