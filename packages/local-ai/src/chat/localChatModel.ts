import winkNLP, { type ItemToken } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import type { MessagingAgent } from '@switchboard/app/flows/flowSchema';
import type { ChatModel, ModelReply } from '@switchboard/app/messaging/chatModel';
import { fixedReply } from '@switchboard/app/messaging/fixedReplies';

// The offline model: intent matching over the agent's FAQ with wink-nlp (lemmas, stop words dropped) and
// shared stems, plus the two built-in intents that call tools. After a tool has run it says
// the tool's fixed reply. Deterministic, so tests and benchmarks know what it answers.

const HANDOFF = /\b(agent|human|person|representative|someone real|operator)\b/i;
const CALL_BACK = /\b(call|ring|phone) me\b|\bcall ?back\b/i;
const MIN_SCORE = 0.5;

type Wink = ReturnType<typeof winkNLP>;
let nlp: Wink | undefined;

function lemmas(text: string): string[] {
  nlp ??= winkNLP(model, ['pos']);
  // wink-nlp recognises its `its` helpers by identity (a bound copy reads as the token's plain value), and
  // they use no `this`: take them by reference. Its typings merely declare them as methods.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const { type, stopWordFlag: stopWord, lemma: lemmaOf } = nlp.its;
  // wink's typings give lemma an addons parameter out() does not accept; at run time it is a token its.
  const lemma = lemmaOf as unknown as typeof type;
  const words: string[] = [];
  nlp
    .readDoc(text.toLowerCase())
    .tokens()
    .each((t: ItemToken) => {
      if (t.out(type) === 'word' && !t.out(stopWord)) words.push(t.out(lemma));
    });
  return words;
}

/** Words that share their first five letters (refund/refunds/refunded) count as a near match. */
function sameStem(a: string, b: string): boolean {
  return a.length >= 5 && b.length >= 5 && a.slice(0, 5) === b.slice(0, 5);
}

/** How well a message matches one way of asking: shared lemmas, each counted by its closest fuzzy match. */
function score(message: string[], phrase: string[]): number {
  if (!message.length || !phrase.length) return 0;
  const matched = phrase.reduce(
    (sum, p) => sum + Math.max(...message.map((m) => (m === p ? 1 : sameStem(m, p) ? 0.8 : 0))),
    0,
  );
  // Mostly: how much of the way of asking is there; a little: how much of the message it explains.
  return 0.7 * (matched / phrase.length) + 0.3 * Math.min(1, matched / message.length);
}

export function createLocalChatModel(agent: MessagingAgent): ChatModel {
  const entries = (agent.faq ?? []).map((f) => ({
    answer: f.answer,
    forms: [f.question, ...(f.phrases ?? [])].map(lemmas),
  }));
  return {
    complete({ turns, tools }): Promise<ModelReply> {
      const last = turns[turns.length - 1];
      if (last?.role === 'tool') {
        let said: string | undefined;
        try {
          said = (JSON.parse(last.content) as { message?: string }).message;
        } catch {
          said = last.content;
        }
        return Promise.resolve({ kind: 'text', text: said ?? '' });
      }
      const question = last?.role === 'user' ? last.content : '';
      const offered = new Set(tools.map((t) => t.name));
      const call = (name: string) =>
        Promise.resolve<ModelReply>({ kind: 'tools', calls: [{ id: `local-${name}`, name, arguments: '{}' }] });
      // A person asked for by name wins over a call-back ("an agent, call me on ...").
      if (HANDOFF.test(question) && offered.has('handoff')) return call('handoff');
      if (CALL_BACK.test(question) && offered.has('callMeBack')) return call('callMeBack');
      const asked = lemmas(question);
      let best = { answer: '', score: 0 };
      for (const entry of entries)
        for (const form of entry.forms) {
          const s = score(asked, form);
          if (s > best.score) best = { answer: entry.answer, score: s };
        }
      return Promise.resolve({
        kind: 'text',
        text: best.score >= MIN_SCORE ? best.answer : fixedReply(agent, 'fallback'),
      });
    },
  };
}
