import { getBearerTokenProvider, type TokenCredential } from '@azure/identity';
import { AzureOpenAI, APIError } from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { RemoteServiceError } from '@switchboard/core/errors';
import type { ChatModel, ChatTurn, ModelReply, ToolSpec } from './chatModel';

// Azure OpenAI chat completions through the `openai` package's AzureOpenAI client: a Microsoft Entra
// token from the managed identity (no keys), the client's own retries (429 and 5xx, honouring Retry-After),
// and Azure's content filter (400 content_filter for a prompt, finish_reason content_filter for an answer)
// turned into a 'filtered' reply. Errors name the status, never the conversation.

const SCOPE = 'https://cognitiveservices.azure.com/.default';

export interface AzureOpenAiSettings {
  endpoint: string;
  deployment: string;
  apiVersion: string;
  credential: TokenCredential;
  maxRetries?: number;
  timeoutMs?: number;
}

function toMessage(turn: ChatTurn): ChatCompletionMessageParam {
  if (turn.role === 'tool') return { role: 'tool', tool_call_id: turn.toolCallId, content: turn.content };
  if (turn.role === 'assistant')
    return {
      role: 'assistant',
      content: turn.content || null,
      ...(turn.toolCalls?.length
        ? {
            tool_calls: turn.toolCalls.map((c) => ({
              id: c.id,
              type: 'function' as const,
              function: { name: c.name, arguments: c.arguments },
            })),
          }
        : {}),
    };
  return { role: turn.role, content: turn.content };
}

function toTool(spec: ToolSpec): ChatCompletionTool {
  return {
    type: 'function',
    function: { name: spec.name, description: spec.description, parameters: spec.parameters },
  };
}

export function createAzureOpenAiChatModel(settings: AzureOpenAiSettings): ChatModel {
  const client = new AzureOpenAI({
    endpoint: settings.endpoint,
    deployment: settings.deployment,
    apiVersion: settings.apiVersion,
    azureADTokenProvider: getBearerTokenProvider(settings.credential, SCOPE),
    maxRetries: settings.maxRetries ?? 3,
    timeout: settings.timeoutMs ?? 30_000,
  });
  return {
    async complete({ turns, tools }): Promise<ModelReply> {
      try {
        const response = await client.chat.completions.create({
          model: settings.deployment,
          messages: turns.map(toMessage),
          ...(tools.length ? { tools: tools.map(toTool) } : {}),
          temperature: 0.2,
          max_tokens: 400,
        });
        const choice = response.choices[0];
        if (!choice || choice.finish_reason === 'content_filter') return { kind: 'filtered' };
        const calls = (choice.message.tool_calls ?? []).flatMap((c) =>
          c.type === 'function' ? [{ id: c.id, name: c.function.name, arguments: c.function.arguments }] : [],
        );
        if (calls.length) return { kind: 'tools', calls };
        return { kind: 'text', text: choice.message.content ?? '' };
      } catch (error) {
        if (error instanceof APIError && error.status === 400 && error.code === 'content_filter')
          return { kind: 'filtered' };
        const status: number | undefined = error instanceof APIError ? (error.status as number | undefined) : undefined;
        throw new RemoteServiceError(`Azure OpenAI chat completion failed${status ? ` (${status})` : ''}`, {
          cause: error,
          status,
          retryable: status === undefined || status === 429 || status >= 500,
        });
      }
    },
  };
}
