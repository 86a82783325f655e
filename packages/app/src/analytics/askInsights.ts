import { SwitchboardError } from '@switchboard/core/errors';
import { maskPhoneNumbers } from '../api/maskPhoneNumbers';
import type { ChatModel } from '../messaging/chatModel';
import type { AskRequest } from './askRequest';
import type { ConversationAnalytics } from './conversationAnalytics';
import type { ConversationAnnotation } from './conversationAnnotation';
import { customerHash } from './customerHash';
import { describe, extractiveAnswer, type AskAnswer } from './extractiveAnswer';
import { groundedAnswer } from './groundedAnswer';
import { insightsTrends } from './insightsTrends';
import { rollupAnswer, rollupFacts, type RollupCitation } from './rollupAnswer';

// POST /api/insights/ask: a customer's question is answered over their conversations, found by the hash of
// their number; a question about everyone over the period's rollups. Offline the answer is extractive; with a
// model (Azure OpenAI) it is generated from the same records only. Only redacted text is ever used.

export interface AskDeps {
  analytics: ConversationAnalytics;
  customerSalt?: string;
  /** Azure OpenAI chat completions when INSIGHTS_ASK_PROVIDER=azure-openai; otherwise the extractive answer. */
  model?: ChatModel;
  now?: () => Date;
}

export type AskResult = AskAnswer & { intervals?: RollupCitation[] };

/** How many of a customer's most recent conversations an answer may use. */
const MAX_RECORDS = 200;
const DEFAULT_DAYS = 7;

async function customerRecords(
  request: AskRequest,
  deps: AskDeps,
  customer: string,
): Promise<ConversationAnnotation[]> {
  if (!deps.customerSalt)
    throw new SwitchboardError('config', 'Customer questions need INSIGHTS_CUSTOMER_SALT, which is not set.');
  const hash = customerHash(customer, deps.customerSalt);
  return (await deps.analytics.annotations.conversationsOf(hash, request.from, request.to)).slice(-MAX_RECORDS);
}

export async function askInsights(request: AskRequest, deps: AskDeps): Promise<AskResult> {
  const result = await answer(request, deps);
  // Defence in depth: the records are redacted, but nothing number-like leaves in an answer.
  return { ...result, answer: maskPhoneNumbers(result.answer) };
}

async function answer(request: AskRequest, deps: AskDeps): Promise<AskResult> {
  if (request.customer) {
    const records = await customerRecords(request, deps, request.customer);
    if (!deps.model || records.length === 0) return extractiveAnswer(request.question, records);
    return groundedAnswer(
      deps.model,
      request.question,
      records.map((r) => ({
        citation: { conversationId: r.conversationId, channel: r.channel, startedAt: r.startedAt },
        text: describe(r),
      })),
    );
  }
  const to = request.to ?? deps.now?.() ?? new Date();
  const from = request.from ?? new Date(to.getTime() - DEFAULT_DAYS * 86_400_000);
  const query = { from: new Date(from.toISOString().slice(0, 10)), to, interval: 'day' as const };
  const trends = insightsTrends(query, await deps.analytics.rollups.list('day', query.from, query.to));
  const offline = rollupAnswer(trends);
  if (!deps.model || !offline.grounded) return offline;
  const { facts, days } = rollupFacts(trends);
  const generated = await groundedAnswer(
    deps.model,
    request.question,
    facts.map((text) => ({ citation: { conversationId: '', channel: '', startedAt: '' }, text })),
  );
  const intervals = generated.citations.map((c) => ({ ref: c.ref, interval: days[c.ref - 1] }));
  return { ...generated, citations: [], intervals };
}
