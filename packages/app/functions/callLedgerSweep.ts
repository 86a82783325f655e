import { app, type InvocationContext, type Timer } from '@azure/functions';
import { getServices } from '../src/app/services';

/**
 * A prompt is retried (and must not be sent twice) only while its call lasts, and calls last hours at most;
 * a day is far past any retry.
 */
const PROMPT_RETENTION_MS = 24 * 3600 * 1000;
/**
 * A call's claim answers Event Grid's redeliveries of its IncomingCall, which stop within a day (an event's
 * time to live is at most 1,440 minutes), and gives the connect check its connection id in the first minute.
 */
const CLAIM_RETENTION_MS = 2 * 24 * 3600 * 1000;

// Every ten minutes: the call ledgers that only grow are bounded. The prompt ledger forgets prompts sent more than a
// day ago; the callback-token table forgets the jtis of expired tokens (a replayed one fails verification anyway);
// the call claims of calls that rang more than two days ago go.
export async function callLedgerSweep(_timer: Timer, context: InvocationContext): Promise<void> {
  const { promptsSent, replayGuard, claims } = await getServices();
  const now = new Date();
  const [prompts, tokens, callClaims] = await Promise.all([
    promptsSent.sweepOlderThan(new Date(now.getTime() - PROMPT_RETENTION_MS)),
    replayGuard.sweepExpired(now),
    claims.sweepOlderThan(new Date(now.getTime() - CLAIM_RETENTION_MS)),
  ]);
  if (prompts || tokens || callClaims) context.info('call ledgers swept', { prompts, tokens, claims: callClaims });
}

app.timer('callLedgerSweep', { schedule: '0 */10 * * * *', handler: callLedgerSweep });
