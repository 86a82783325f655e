import { app, type InvocationContext, type Timer } from '@azure/functions';
import { getMessaging } from '../src/app/messagingServices';

// Every five minutes: conversations idle past MESSAGING_CONVERSATION_TTL_MINUTES are exported for a summary
// (unless a hand-off already exported them), recorded for analytics, and forgotten. A message arriving meanwhile keeps its
// conversation alive: the delete only succeeds on the row as it was read.
export async function messagingIdleSweep(_timer: Timer, context: InvocationContext): Promise<void> {
  const { conversations, exportConversation, conversationEnded } = await getMessaging();
  let exported = 0;
  for await (const { key, state, etag } of conversations.idle()) {
    if (state.status !== 'handedOff' && state.history.length) await exportConversation(state, 'idle');
    // Before the forget: a sweep that dies in between records it again next time, which counts once.
    await conversationEnded(state);
    if (await conversations.forget(key, etag)) exported += 1;
  }
  if (exported) context.info('idle conversations closed', { count: exported });
}

app.timer('messagingIdleSweep', { schedule: '0 */5 * * * *', handler: messagingIdleSweep });
