import type { TokenCredential } from '@azure/identity';
import { REASON_CODE } from '@switchboard/core/voiceAgentContract';
import type { AgentConfig, HttpTool } from './providers/voiceModel';

// The tools an agent may call: handoff and endCall (the call's orchestration acts on them), and the HTTP
// tools the flow declares. Every failure becomes text the model is told; nothing here throws.

export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

const reasonParameters = {
  type: 'object',
  properties: {
    reason: { type: 'string', description: 'why, as a short kebab-case code, e.g. caller-asked-for-person' },
  },
  required: [],
};

/** The tool list a model session is given for an agent. */
export function toolSpecs(agent: AgentConfig): ToolSpec[] {
  const specs: ToolSpec[] = [
    {
      name: 'endCall',
      description: 'End the call when the caller is done or says goodbye.',
      parameters: reasonParameters,
    },
    ...agent.tools.map(({ name, description, parameters }) => ({ name, description, parameters })),
  ];
  if (agent.canHandoff)
    specs.unshift({
      name: 'handoff',
      description: 'Hand the caller to a person, when they ask for one or you cannot help.',
      parameters: reasonParameters,
    });
  return specs;
}

export interface ToolActions {
  handoff(reason: string): void;
  endCall(reason: string): void;
}

export interface ToolContext {
  credential?: TokenCredential;
  fetch?: typeof fetch;
}

function reasonOf(args: Record<string, unknown>, fallback: string): string {
  // Only a code travels to the orchestration: free text from the model could carry what the caller said.
  return typeof args.reason === 'string' && REASON_CODE.test(args.reason) ? args.reason : fallback;
}

async function callHttpTool(tool: HttpTool, args: Record<string, unknown>, context: ToolContext): Promise<string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (tool.auth === 'managedIdentity') {
    if (!context.credential || !tool.scope)
      return JSON.stringify({ error: `tool ${tool.name} has no identity to call with` });
    const token = await context.credential.getToken(tool.scope);
    if (!token) return JSON.stringify({ error: `no token for tool ${tool.name}` });
    headers.authorization = `Bearer ${token.token}`;
  }
  const response = await (context.fetch ?? fetch)(tool.url, {
    method: 'POST',
    headers,
    body: JSON.stringify(args),
    signal: AbortSignal.timeout(tool.timeoutMs),
  });
  const text = (await response.text()).slice(0, 4_000);
  if (!response.ok) return JSON.stringify({ error: `tool ${tool.name} answered HTTP ${response.status}`, body: text });
  return text || '{}';
}

/** Runs one tool call; the result (or what went wrong) is text for the model. */
export async function runTool(
  name: string,
  rawArguments: string,
  agent: AgentConfig,
  actions: ToolActions,
  context: ToolContext = {},
): Promise<string> {
  let args: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(rawArguments || '{}');
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      args = parsed as Record<string, unknown>;
    else return JSON.stringify({ error: 'arguments must be a JSON object' });
  } catch {
    return JSON.stringify({ error: 'arguments are not valid JSON' });
  }
  if (name === 'handoff' && agent.canHandoff) {
    actions.handoff(reasonOf(args, 'caller-asked-for-person'));
    return JSON.stringify({ ok: true, note: 'transferring the caller' });
  }
  if (name === 'endCall') {
    actions.endCall(reasonOf(args, 'caller-done'));
    return JSON.stringify({ ok: true });
  }
  const tool = agent.tools.find((t) => t.name === name);
  if (!tool) return JSON.stringify({ error: `unknown tool ${name}` });
  try {
    return await callHttpTool(tool, args, context);
  } catch (error) {
    const why = (error as Error).name === 'TimeoutError' ? 'timed out' : 'failed';
    return JSON.stringify({ error: `tool ${name} ${why}` });
  }
}
