import { isUnknownInstance } from '../src/durable/isUnknownInstance';
import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getAnalytics } from '../src/app/analyticsServices';
import { getInsights } from '../src/app/insightsServices';
import { getMessaging } from '../src/app/messagingServices';
import { getServices } from '../src/app/services';
import type { CallSession } from '../src/call/callSession';
import { sendCallFollowUp, type FollowUpCall } from '../src/messaging/callFollowUp';
import { sendBusinessMessage } from '../src/messaging/sendBusinessMessage';
import { dropIfInvalid } from '@switchboard/core/errors';
import { callMetrics } from '../src/telemetry/metrics';

// transcripts/{name} (recording transcripts and live transcripts) -> summaries/{id}.json + .md; then, for a
// call whose flow asks for it, the caller's follow-up message with the summary's resolution.
export async function summarizeTranscript(blob: Buffer, context: InvocationContext): Promise<void> {
  // Redaction's name detection loads on first use, not when the worker starts (cold start).
  const { summarizeInput } = await import('../src/summaries/summarizeInput.js');
  const name = String(context.triggerMetadata?.name);
  const started = performance.now();
  const result = await summarizeInput('transcript', name, blob, await getInsights());
  callMetrics.insights(performance.now() - started, { input: 'transcript', outcome: result.outcome });
  context.info('transcript processed', {
    outcome: result.outcome,
    ...('reason' in result ? { reason: result.reason } : {}),
  });
  if (result.outcome !== 'summarized') return;
  const annotated = await (await getAnalytics()).analytics.summarized(result.summary);
  context.info('summary annotated', { outcome: annotated });
  const messaging = await getMessaging();
  const { sms, optOut } = await getServices();
  const call = await callOf(context, result.id);
  // A follow-up that can never be sent (WhatsApp outside the window with no template) is logged, not retried.
  const followUp = await dropIfInvalid(
    () =>
      sendCallFollowUp(result, call, {
        agent: messaging.agent,
        claims: messaging.claims,
        send: (message) =>
          sendBusinessMessage(message, {
            sms,
            optOut,
            whatsApp: messaging.whatsApp,
            conversations: messaging.conversations,
          }),
      }),
    (reason) => context.warn('call follow-up not sent', { reason }),
  );
  if (followUp && followUp !== 'not-a-call' && followUp !== 'not-asked')
    context.info('call follow-up', { outcome: followUp });
}

/** The call's session from its orchestration (instance id = call id); undefined when the id is no call's. */
async function callOf(context: InvocationContext, id: string): Promise<FollowUpCall | undefined> {
  let status;
  try {
    status = await df.getClient(context).getStatus(id, { showInput: true });
  } catch (error) {
    if (isUnknownInstance(error)) return undefined; // anything else is retried
    throw error;
  }
  const session = status?.input as Partial<CallSession> | undefined;
  if (!session?.callerId || !session.flow) return undefined;
  return { callerId: await (await getServices()).sealed.open(session.callerId), flow: session.flow };
}

app.storageBlob('summarizeTranscript', {
  path: 'transcripts/{name}',
  connection: 'AzureWebJobsStorage',
  source: 'EventGrid', // Flex Consumption runs only Event Grid-based blob triggers (no container scans)
  extraInputs: [df.input.durableClient()],
  handler: summarizeTranscript,
});
