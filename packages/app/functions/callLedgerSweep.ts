import { app, type InvocationContext, type Timer } from '@azure/functions';
import { getServices } from '../src/app/services';

/**
 * A prompt is retried (and must not be sent twice) only while its call lasts, and calls last hours at most;
 * a day is far past any retry.
 */
const PROMPT_RETENTION_MS = 24 * 3600 * 1000;

// Every ten minutes: the call ledgers that only grow are bounded. The prompt ledger forgets prompts sent more than a
// day ago; the callback-token table forgets the jtis of expired tokens (a replayed one fails verification anyway).
export async function callLedgerSweep(_timer: Timer, context: InvocationContext): Promise<void> {
  const { promptsSent, replayGuard } = await getServices();
  const now = new Date();
  const [prompts, tokens] = await Promise.all([
    promptsSent.sweepOlderThan(new Date(now.getTime() - PROMPT_RETENTION_MS)),
    replayGuard.sweepExpired(now),
  ]);
  if (prompts || tokens) context.info('call ledgers swept', { prompts, tokens });
}

app.timer('callLedgerSweep', { schedule: '0 */10 * * * *', handler: callLedgerSweep });
