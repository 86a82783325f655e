import type { ChatModel } from '../messaging/chatModel';
import type { AskAnswer, Citation } from './extractiveAnswer';

// The Azure path of "ask": Azure OpenAI chat completions over the retrieved, redacted records only, told to cite
// them by number and to say when they do not answer the question. The citations are the records it cited.

export interface GroundingRecord {
  citation: Omit<Citation, 'ref'>;
  /** Redacted text the model may use. */
  text: string;
}

const SYSTEM = [
  "You answer a contact-centre lead's questions about conversations, using ONLY the numbered records given.",
  'Cite every statement with the record numbers in square brackets, like [2].',
  'If the records do not answer the question, say that you have nothing to go on. Never guess or invent.',
  'The records are redacted: never try to recover names, numbers or other personal data.',
].join(' ');

export async function groundedAnswer(
  model: ChatModel,
  question: string,
  records: readonly GroundingRecord[],
): Promise<AskAnswer> {
  const context = records.map((r, i) => `[${i + 1}] ${r.text}`).join('\n');
  const reply = await model.complete({
    turns: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: `Records:\n${context}\n\nQuestion: ${question}` },
    ],
    tools: [],
  });
  if (reply.kind !== 'text')
    return {
      answer: 'The model declined to answer that question.',
      citations: [],
      grounded: false,
      provider: 'azure-openai',
    };
  const cited = new Set([...reply.text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])));
  const citations = [...cited]
    .filter((n) => n >= 1 && n <= records.length)
    .sort((a, b) => a - b)
    .map((n) => ({ ref: n, ...records[n - 1].citation }));
  return { answer: reply.text, citations, grounded: citations.length > 0, provider: 'azure-openai' };
}
