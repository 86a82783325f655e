import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LocalInsightsProvider } from '@switchboard/local-ai/insights/localInsightsProvider';
import { summarizeConversation } from '@switchboard/app/insights/pipeline';
import { redactConversation as redactWith } from '@switchboard/app/insights/redact';
import { detectNames } from '@switchboard/local-ai/insights/detectNames';
import { leaks, loadCorpus } from '../../unit/insights/plantedPii';

// Redaction as the offline provider runs it: its name detector finds names in free text.
const redactConversation = (c: Parameters<typeof redactWith>[0]) => redactWith(c, detectNames);

test('no planted personal data reaches any summary of the labelled corpus, and redaction recall is reported', async () => {
  const { conversations, items } = loadCorpus();
  assert.ok(conversations.length >= 20, 'at least 20 transcripts');
  const provider = new LocalInsightsProvider();
  const leaked: string[] = [];
  const recall = new Map<string, { found: number; total: number }>();
  const bySet = new Map<string, { found: number; total: number }>();

  for (const conversation of conversations) {
    const planted = items.filter((i) => i.transcriptId === conversation.id);
    assert.ok(planted.length > 0, `${conversation.id} has labels`);
    const redactedText = redactConversation(conversation)
      .conversation.turns.map((t) => t.text)
      .join('\n');
    const { summary, markdown } = await summarizeConversation(conversation, provider);
    const output = `${JSON.stringify(summary)}\n${markdown}`;
    for (const item of planted) {
      const key = `${item.category} (${item.form})`;
      const r = recall.get(key) ?? { found: 0, total: 0 };
      r.total += 1;
      const s = bySet.get(item.set) ?? { found: 0, total: 0 };
      s.total += 1;
      if (!leaks(item, redactedText)) {
        r.found += 1;
        s.found += 1;
      }
      recall.set(key, r);
      bySet.set(item.set, s);
      // Only the transcript id and category are reported, never the value.
      if (leaks(item, output)) leaked.push(`${conversation.id}: ${item.category} (${item.form})`);
    }
  }

  const rows = [...recall.entries()]
    .sort()
    .map(([k, r]) => `  ${k.padEnd(24)} ${r.found}/${r.total} (${((100 * r.found) / r.total).toFixed(0)}%)`);
  const total = [...recall.values()].reduce((a, r) => ({ found: a.found + r.found, total: a.total + r.total }), {
    found: 0,
    total: 0,
  });
  const sets = [...bySet.entries()].map(([set, r]) => `  ${`${set} set`.padEnd(24)} ${r.found}/${r.total}`);
  console.log(
    `Redaction recall of planted PII over ${conversations.length} transcripts:\n${rows.join('\n')}\n  ${'all'.padEnd(24)} ${total.found}/${total.total}\n${sets.join('\n')}`,
  );
  assert.deepEqual(leaked, [], 'planted PII found in summaries');
});
