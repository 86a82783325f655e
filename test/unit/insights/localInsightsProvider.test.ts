import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { LocalInsightsProvider } from '@switchboard/local-ai/insights/localInsightsProvider';
import { redactConversation as redactWith } from '@switchboard/app/insights/redact';
import { detectNames } from '@switchboard/local-ai/insights/detectNames';
import { loadCorpus } from './plantedPii';

// Redaction as the offline provider runs it: its name detector finds names in free text.
const redactConversation = (c: Parameters<typeof redactWith>[0]) => redactWith(c, detectNames);

const corpus = loadCorpus().conversations;
const byId = (id: string) => {
  const found = corpus.find((c) => c.id === id);
  assert.ok(found, `fixture ${id}`);
  return redactConversation(found).conversation;
};

describe('local insights provider', () => {
  const provider = new LocalInsightsProvider();
  before(() => provider.ready());

  test('picks the customer problem as the issue and what the agent did as the resolution', async () => {
    const { summary } = await provider.analyze(byId('call-001-double-charge'));
    assert.match(summary.issue, /charged twice/);
    assert.match(summary.resolution, /refunded the duplicate payment/);
    assert.ok(
      summary.followUps.some((f) => /three to five business days|confirmation email/.test(f)),
      summary.followUps.join(' | '),
    );
  });

  test('fills issue, resolution and follow-ups for most calls of the corpus', async () => {
    const english = corpus.filter((c) => c.metadata.language === 'en');
    let complete = 0;
    for (const c of english) {
      const { summary } = await provider.analyze(redactConversation(c).conversation);
      assert.ok(summary.issue.length > 0, `${c.id} has an issue`);
      if (summary.resolution && summary.followUps.length > 0) complete += 1;
    }
    assert.ok(complete / english.length >= 0.75, `${complete}/${english.length} complete`);
  });

  test('scores sentiment for every turn and takes the overall from the customer', async () => {
    const conversation = byId('call-017-angry-escalation');
    const { sentiment } = await provider.analyze(conversation);
    assert.equal(sentiment.perTurn.length, conversation.turns.length);
    assert.deepEqual(
      sentiment.perTurn.map((t) => t.turnIndex),
      conversation.turns.map((_, i) => i),
    );
    for (const t of sentiment.perTurn) {
      assert.ok(t.score >= -1 && t.score <= 1);
      assert.ok(['positive', 'neutral', 'negative'].includes(t.label));
    }
    const ridiculous = sentiment.perTurn.find((t) => /ridiculous/.test(conversation.turns[t.turnIndex].text));
    assert.equal(ridiculous?.label, 'negative');
    const thanks = await provider.analyze(byId('call-020-student-loan'));
    assert.ok(thanks.sentiment.perTurn.some((t) => t.role === 'customer' && t.label === 'positive'));
  });

  test('extracts topical key phrases without placeholders', async () => {
    const { keyPhrases } = await provider.analyze(byId('call-006-lost-card'));
    assert.ok(keyPhrases.length >= 3 && keyPhrases.length <= 8, keyPhrases.join(', '));
    assert.ok(
      keyPhrases.some((k) => /card|fraud/.test(k)),
      keyPhrases.join(', '),
    );
    assert.ok(keyPhrases.every((k) => !/\[|xx[a-z]+x/.test(k)));
  });

  test('detects English and Spanish conversations', async () => {
    assert.equal((await provider.analyze(byId('call-003-internet-outage'))).language, 'en');
    const spanish = await provider.analyze(byId('call-011-spanish-billing'));
    assert.equal(spanish.language, 'es');
    assert.ok(spanish.summary.issue.length > 0, 'a Spanish call still gets an extractive issue');
  });
});
