import * as df from 'durable-functions';
import type { InvocationContext } from '@azure/functions';
import { getAnalytics } from '../src/app/analyticsServices';
import { CALL_ENDED_ACTIVITY, callAnnotation, type CallEndInput } from '../src/analytics/callAnnotation';

// Activity: a call's annotation, written once when its orchestration ends (keyed by call id, so a retried
// or replayed activity counts the call once), with the caller's number hashed, never stored.
export async function recordCallEnd(input: CallEndInput, context: InvocationContext): Promise<string> {
  const { analytics, customerSalt } = await getAnalytics();
  const outcome = await analytics.ended(callAnnotation(input, customerSalt));
  context.info('call annotated', { outcome });
  return outcome;
}

df.app.activity(CALL_ENDED_ACTIVITY, { handler: recordCallEnd });
