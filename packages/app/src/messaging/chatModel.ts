// The messaging agents' model port: an OpenAI-style exchange of turns and tool calls, so the Azure OpenAI
// adapter and the offline one sit behind the same loop (runAgent).

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text of the arguments, as the model wrote it. */
  arguments: string;
}

export type ChatTurn =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
}

export type ModelReply =
  | { kind: 'text'; text: string }
  | { kind: 'tools'; calls: ToolCall[] }
  /** The model's content filter stopped the prompt or the answer: the agent refuses politely. */
  | { kind: 'filtered' };

export interface ChatModel {
  complete(request: { turns: ChatTurn[]; tools: ToolSpec[] }): Promise<ModelReply>;
}
