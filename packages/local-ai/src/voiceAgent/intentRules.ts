import type { ToolSpec } from '@switchboard/bridge/agentTools';

// The offline agent's "model": simple intent rules over what the caller said, using the step's
// instructions and tools. Deterministic, so tests and the sandbox can rely on what it answers.

export type Reply = { say: string; tool?: { name: string; arguments: Record<string, unknown> } };

const PERSON = /\b(person|human|agent|representative|operator|someone|somebody|real|people|staff|specialist)\b/i;
const GOODBYE = /\b(bye|goodbye|that's all|that is all|nothing else|hang up|no thanks|no thank you)\b/i;

/** The topics the instructions offer help with ("Help with orders, deliveries and passwords."). */
export function topicsOf(instructions: string): string[] {
  const match = /help with ([^.]+)/i.exec(instructions);
  if (!match) return [];
  return match[1]
    .split(/,|\band\b|\bor\b/)
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
}

const stem = (word: string) =>
  word
    .toLowerCase()
    .replace(/(ies|es|s)$/, '')
    .slice(0, 5);

function mentions(text: string, phrase: string): boolean {
  const words = new Set(text.split(/\W+/).filter(Boolean).map(stem));
  return phrase
    .split(/\W+/)
    .filter((w) => w.length > 3)
    .some((w) => words.has(stem(w)));
}

/** What the local agent answers to one utterance. */
export function replyTo(text: string, instructions: string, tools: ToolSpec[]): Reply {
  const can = (name: string) => tools.some((t) => t.name === name);
  if (can('handoff') && PERSON.test(text))
    return {
      say: 'Of course. Let me connect you with a person.',
      tool: { name: 'handoff', arguments: { reason: 'caller-asked-for-person' } },
    };
  if (GOODBYE.test(text))
    return { say: 'Thanks for calling. Goodbye.', tool: { name: 'endCall', arguments: { reason: 'caller-done' } } };
  const httpTool = tools.find(
    (t) =>
      t.name !== 'handoff' &&
      t.name !== 'endCall' &&
      mentions(text, `${t.name.replace(/([A-Z])/g, ' $1')} ${t.description}`),
  );
  if (httpTool)
    return { say: 'Let me check that for you.', tool: { name: httpTool.name, arguments: { request: text } } };
  const topics = topicsOf(instructions);
  const topic = topics.find((t) => mentions(text, t));
  if (topic) return { say: `Sure, I can help with ${topic}. I have sent the details to you by text message.` };
  if (topics.length) return { say: `I can help with ${topics.join(', ')}. What would you like to do?` };
  return { say: 'I am sorry, I did not catch that. Could you say it again?' };
}
