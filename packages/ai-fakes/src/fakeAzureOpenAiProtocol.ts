import type { ChatCompletion as OpenAiChatCompletion } from 'openai/resources/chat/completions';

// Wire types of Azure OpenAI chat completions (data-plane 2024-10-21 and later), as the `openai` package's
// AzureOpenAI client sends and reads them: only the parts the fake uses.

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatRequestMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  content?: string | null | Array<{ type: string; text?: string }>;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
}

export interface ChatCompletionRequest {
  messages: ChatRequestMessage[];
  tools?: Array<{ type: 'function'; function: { name: string; description?: string; parameters?: unknown } }>;
  tool_choice?: unknown;
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
}

/** Azure's content filter verdict per category. */
export type ContentFilterResults = Record<
  'hate' | 'self_harm' | 'sexual' | 'violence',
  { filtered: boolean; severity: 'safe' | 'low' | 'medium' | 'high' }
>;

export function contentFilterResults(flagged?: keyof ContentFilterResults): ContentFilterResults {
  const verdict = (category: keyof ContentFilterResults) =>
    category === flagged
      ? { filtered: true, severity: 'high' as const }
      : { filtered: false, severity: 'safe' as const };
  return {
    hate: verdict('hate'),
    self_harm: verdict('self_harm'),
    sexual: verdict('sexual'),
    violence: verdict('violence'),
  };
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  system_fingerprint: string;
  prompt_filter_results: Array<{ prompt_index: number; content_filter_results: ContentFilterResults }>;
  choices: Array<{
    index: number;
    finish_reason: 'stop' | 'tool_calls' | 'content_filter' | 'length';
    logprobs: null;
    message: { role: 'assistant'; content: string | null; tool_calls?: ChatToolCall[]; refusal: null };
    content_filter_results: ContentFilterResults | Record<string, never>;
  }>;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

/** Azure's error body: 400 content_filter for a filtered prompt, 429 rate limits, 401, 404. */
export interface AzureOpenAiError {
  error: {
    code: string | null;
    message: string;
    param?: string | null;
    type?: string | null;
    status?: number;
    innererror?: { code: string; content_filter_result: ContentFilterResults };
  };
}

// Compile-time: what the fake answers is a ChatCompletion as the openai package reads it (Azure adds the
// content-filter fields).
const readBySdk: OpenAiChatCompletion = null as unknown as ChatCompletion;
void readBySdk;
