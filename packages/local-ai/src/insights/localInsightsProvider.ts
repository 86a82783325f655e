import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import type { Conversation } from '@switchboard/core/conversation';
import {
  overallSentiment,
  sentimentLabel,
  type ConversationAnalysis,
  type InsightsProvider,
  type TurnSentiment,
} from '@switchboard/app/insights/insightsProvider';
import { detectNames } from './detectNames';
import { pickSummary, type RankedSentence } from './summaryRules';

// Offline insights (docs/local-ai.md): wink-nlp with its English lite model for sentences, extractive
// importance, sentiment and noun-phrase key phrases; eld for language. Both load once per process.

type Wink = ReturnType<typeof winkNLP>;
type Eld = { detect(text: string): { language: string } };

const KEY_PHRASE_PATTERNS = [
  {
    name: 'keyPhrase',
    patterns: [
      '[ADJ|NOUN|PROPN] [NOUN|PROPN]',
      '[NOUN|PROPN] [NOUN] [NOUN]',
      '[ADJ] [NOUN] [NOUN]',
      '[NOUN] [ADP] [NOUN]',
    ],
  },
];
/** Words that make a phrase about the call itself rather than its topic. */
const GENERIC = new Set([
  'thank',
  'thanks',
  'today',
  'day',
  'time',
  'thing',
  'things',
  'something',
  'anything',
  'way',
  'lot',
  'bit',
  'moment',
  'help',
  'minute',
  'minutes',
  'second',
  'question',
  'call',
  'pleasure',
  'problem',
  'name',
  'number',
  'nothing',
  'everything',
]);

let shared: Promise<{ nlp: Wink; eld: Eld }> | undefined;

function load(): Promise<{ nlp: Wink; eld: Eld }> {
  shared ??= (async () => {
    const nlp = winkNLP(model, ['sbd', 'negation', 'sentiment', 'pos', 'cer']);
    nlp.learnCustomEntities(KEY_PHRASE_PATTERNS);
    // eld is an ES module; import() keeps it loadable from this CommonJS build.
    const { eld } = (await import('eld/small')) as unknown as { eld: Eld };
    return { nlp, eld };
  })();
  return shared;
}

/** Placeholders like "[NAME]" would split into punctuation tokens: analyse them as one word, then restore. */
function forAnalysis(text: string): string {
  return text.replace(/\[([A-Z]+)\]/g, (_m, kind: string) => `xx${kind.toLowerCase()}x`);
}
function restorePlaceholders(text: string): string {
  return text.replace(/\bxx([a-z]+)x\b/g, (_m, kind: string) => `[${kind.toUpperCase()}]`);
}

/** Speech-to-text output may lack punctuation: end each turn as a sentence so turns do not merge. */
function asSentences(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

export class LocalInsightsProvider implements InsightsProvider {
  readonly detectNames = detectNames;
  readonly name = 'local' as const;

  /** Loads the model and the language detector ahead of the first call (about 0.1 s). */
  async ready(): Promise<void> {
    await load();
  }

  async analyze(conversation: Conversation): Promise<ConversationAnalysis> {
    const { nlp, eld } = await load();
    // wink-nlp's `its` helpers are stateless functions the library takes by reference (doc.out(sentiment));
    // its typings merely declare them as methods, which is all unbound-method objects to.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const { sentiment, normal, sentenceWiseImportance } = nlp.its;
    const turns = conversation.turns
      .map((t, turnIndex) => ({ ...t, turnIndex }))
      .filter((t) => t.text.trim().length > 0);

    // Per turn: sentences (with their original, redacted text) and sentiment.
    const sentences: Array<Omit<RankedSentence, 'importance'>> = [];
    const perTurn: TurnSentiment[] = [];
    for (const turn of turns) {
      const doc = nlp.readDoc(asSentences(forAnalysis(turn.text)));
      // The turn's tone is carried by its most strongly worded sentence as much as by the average
      // ("Exactly. I'm paying double. It's ridiculous." averages to neutral): take the mean of both.
      const bySentence = doc.sentences().out(sentiment) as unknown as number[];
      const strongest = bySentence.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a), 0);
      const score = Math.round((((doc.out(sentiment) as unknown as number) + strongest) / 2) * 1000) / 1000;
      perTurn.push({
        turnIndex: turn.turnIndex,
        participantId: turn.participantId,
        role: turn.role,
        label: sentimentLabel(score),
        score,
      });
      for (const text of doc.sentences().out()) {
        sentences.push({ text: restorePlaceholders(text.trim()), role: turn.role, turnIndex: turn.turnIndex });
      }
    }

    // Whole call: extractive importance and key phrases need the full text in one document.
    const whole = nlp.readDoc(turns.map((t) => asSentences(forAnalysis(t.text))).join('\n'));
    const importance = whole.out(sentenceWiseImportance) as unknown as Array<{ index: number; importance: number }>;
    const ranked: RankedSentence[] = sentences.map((s, i) => ({
      ...s,
      importance: importance.length === sentences.length ? (importance[i]?.importance ?? 0) : 0,
    }));

    const counts = new Map<string, number>();
    whole.customEntities().each((entity: { out(f: unknown): unknown }) => {
      const phrase = (entity.out(normal) as string).replace(/\s+/g, ' ').trim();
      if (/\bxx[a-z]+x\b|\d/.test(phrase) || phrase.split(' ').some((w) => GENERIC.has(w))) return;
      counts.set(phrase, (counts.get(phrase) ?? 0) + 1);
    });
    const keyPhrases = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || b[0].length - a[0].length)
      .slice(0, 8)
      .map(([phrase]) => phrase);

    const plain = turns.map((t) => t.text.replace(/\[[A-Z]+\]/g, ' ')).join(' ');
    const detected = eld.detect(plain).language;
    const language = detected || 'und';

    return {
      provider: 'local',
      summary: pickSummary(ranked, language),
      sentiment: { overall: overallSentiment(perTurn), perTurn },
      keyPhrases: language === 'en' || language === 'und' ? keyPhrases : [],
      language,
    };
  }
}
