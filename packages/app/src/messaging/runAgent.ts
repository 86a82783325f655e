import type { MessagingAgent } from '../flows/flowSchema';
import { SwitchboardError } from '@switchboard/core/errors';
import type { ChatModel, ChatTurn, ToolCall, ToolSpec } from './chatModel';
import type { StoredTurn } from './conversationStore';
import { fixedReply } from './fixedReplies';

// One turn of a messaging agent: the definition's instructions and FAQ as the system prompt, the bounded
// history, the customer's message; then model -> tools -> model until it answers (at most a few rounds).
// A model outage becomes the fixed apology and a content-filter verdict the fixed refusal: never silence.

export interface AgentToolbox {
  /** Hands the conversation to a person; returns what to tell the customer. */
  handoff(reason: string | undefined): Promise<string>;
  /** Starts the call-back flow; returns what to tell the customer. */
  callMeBack(phoneNumber: string | undefined): Promise<string>;
}

export interface AgentReply {
  text: string;
  /** Tools that acted, in order (handoff, callMeBack, or an HTTP tool's name). */
  actions: string[];
  outcome: 'answered' | 'refused' | 'apologised';
}

const MAX_ROUNDS = 4;
const DEFAULT_HISTORY = 12;

export function systemPrompt(agent: MessagingAgent, maxChars: number): string {
  const lines = [
    agent.instructions.trim(),
    `Answer in plain text in at most ${maxChars} characters. Use only the knowledge below; if it does not cover the question, say so briefly and offer a person.`,
  ];
  if (agent.faq?.length) {
    lines.push('Knowledge:');
    for (const f of agent.faq) lines.push(`- Q: ${f.question} A: ${f.answer}`);
  }
  return lines.join('\n');
}

export function toolSpecs(agent: MessagingAgent): ToolSpec[] {
  const specs: ToolSpec[] = [];
  const reason = { reason: { type: 'string', description: 'why, in a few words' } };
  if (agent.tools?.handoff)
    specs.push({
      name: 'handoff',
      description: 'Hand the conversation to a person when the customer asks for one or you cannot help.',
      parameters: { type: 'object', properties: reason },
    });
  if (agent.tools?.callMeBack)
    specs.push({
      name: 'callMeBack',
      description: 'Phone the customer now, when they ask to be called.',
      parameters: {
        type: 'object',
        properties: { ...reason, phoneNumber: { type: 'string', description: 'E.164 number, if they gave one' } },
      },
    });
  for (const tool of agent.tools?.http ?? [])
    specs.push({
      name: tool.name,
      description: tool.description,
      parameters: tool.parameters ?? { type: 'object', properties: {} },
    });
  return specs;
}

function args(call: ToolCall): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(call.arguments || '{}');
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

async function callHttpTool(agent: MessagingAgent, call: ToolCall): Promise<string> {
  const tool = agent.tools?.http?.find((t) => t.name === call.name);
  if (!tool) return JSON.stringify({ error: `no tool named ${call.name}` });
  const method = tool.method ?? 'POST';
  const url = new URL(tool.url);
  if (method === 'GET') for (const [k, v] of Object.entries(args(call))) url.searchParams.set(k, String(v));
  try {
    const response = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json' },
      body: method === 'POST' ? call.arguments || '{}' : undefined,
      signal: AbortSignal.timeout(10_000),
    });
    return (await response.text()).slice(0, 2000);
  } catch {
    return JSON.stringify({ error: 'the tool did not answer' });
  }
}

export async function runAgent(input: {
  agent: MessagingAgent;
  model: ChatModel;
  history: StoredTurn[];
  message: string;
  maxChars: number;
  tools: AgentToolbox;
}): Promise<AgentReply> {
  const { agent } = input;
  const turns: ChatTurn[] = [
    { role: 'system', content: systemPrompt(agent, input.maxChars) },
    ...input.history
      .slice(-(agent.historyTurns ?? DEFAULT_HISTORY))
      .map((t): ChatTurn =>
        t.role === 'customer' ? { role: 'user', content: t.text } : { role: 'assistant', content: t.text },
      ),
    { role: 'user', content: input.message },
  ];
  const specs = toolSpecs(agent);
  const actions: string[] = [];
  try {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const reply = await input.model.complete({ turns, tools: specs });
      if (reply.kind === 'filtered') return { text: fixedReply(agent, 'refusal'), actions, outcome: 'refused' };
      if (reply.kind === 'text')
        return { text: reply.text.trim() || fixedReply(agent, 'fallback'), actions, outcome: 'answered' };
      turns.push({ role: 'assistant', content: '', toolCalls: reply.calls });
      for (const call of reply.calls) {
        let content: string;
        if (call.name === 'handoff')
          content = JSON.stringify({ message: await input.tools.handoff(str(args(call).reason)) });
        else if (call.name === 'callMeBack')
          content = JSON.stringify({ message: await input.tools.callMeBack(str(args(call).phoneNumber)) });
        else content = await callHttpTool(agent, call);
        actions.push(call.name);
        turns.push({ role: 'tool', toolCallId: call.id, name: call.name, content });
      }
    }
    return { text: fixedReply(agent, 'fallback'), actions, outcome: 'answered' };
  } catch (error) {
    // A remote failure (model down after its retries) is answered with the apology; bugs still throw.
    if (error instanceof SwitchboardError && error.code === 'remote')
      return { text: fixedReply(agent, 'apology'), actions, outcome: 'apologised' };
    throw error;
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}
