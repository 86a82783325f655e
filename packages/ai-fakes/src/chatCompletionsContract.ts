import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { z } from 'zod';
import type { AzureOpenAiError } from './fakeAzureOpenAiProtocol';

// What Azure OpenAI chat completions accept (data-plane 2024-10-21 and later): the request schema kept inside
// the openai package's ChatCompletionCreateParams (compile-time check below), and the rules across messages the
// service enforces. Refusals use the service's 400 body: {error: {message, type, param, code}}, with
// "Unrecognized request argument supplied: x" for a field Azure does not know.

const textPart = z.strictObject({ type: z.literal('text'), text: z.string() });
const content = z.union([z.string(), z.array(textPart)]);
const userContent = z.union([
  z.string(),
  z.array(
    z.discriminatedUnion('type', [
      textPart,
      z.strictObject({
        type: z.literal('image_url'),
        image_url: z.strictObject({ url: z.string(), detail: z.enum(['auto', 'low', 'high']).optional() }),
      }),
    ]),
  ),
]);
const toolCall = z.strictObject({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.strictObject({ name: z.string().min(1), arguments: z.string() }),
});
const message = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('system'), content, name: z.string().optional() }),
  z.strictObject({ role: z.literal('developer'), content, name: z.string().optional() }),
  z.strictObject({ role: z.literal('user'), content: userContent, name: z.string().optional() }),
  z.strictObject({
    role: z.literal('assistant'),
    content: content.nullable().optional(),
    name: z.string().optional(),
    refusal: z.string().nullable().optional(),
    tool_calls: z.array(toolCall).optional(),
  }),
  z.strictObject({ role: z.literal('tool'), content, tool_call_id: z.string().min(1) }),
]);
const tool = z.strictObject({
  type: z.literal('function'),
  function: z.strictObject({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});
const nullableNumber = (min: number, max: number) => z.number().min(min).max(max).nullable().optional();
const request = z.strictObject({
  messages: z.array(message).min(1),
  model: z.string().optional(),
  frequency_penalty: nullableNumber(-2, 2),
  presence_penalty: nullableNumber(-2, 2),
  logit_bias: z.record(z.string(), z.number()).nullable().optional(),
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
  max_tokens: z.number().int().min(1).nullable().optional(),
  max_completion_tokens: z.number().int().min(1).nullable().optional(),
  n: z.number().int().min(1).max(128).nullable().optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('text') }),
      z.strictObject({ type: z.literal('json_object') }),
      z.strictObject({
        type: z.literal('json_schema'),
        json_schema: z.strictObject({
          name: z.string(),
          description: z.string().optional(),
          schema: z.record(z.string(), z.unknown()).optional(),
          strict: z.boolean().nullable().optional(),
        }),
      }),
    ])
    .optional(),
  seed: z.number().int().nullable().optional(),
  stop: z
    .union([z.string(), z.array(z.string()).max(4)])
    .nullable()
    .optional(),
  stream: z.literal(false).nullable().optional(),
  temperature: nullableNumber(0, 2),
  top_p: nullableNumber(0, 1),
  tools: z.array(tool).max(128).optional(),
  tool_choice: z
    .union([
      z.enum(['none', 'auto', 'required']),
      z.strictObject({ type: z.literal('function'), function: z.strictObject({ name: z.string() }) }),
    ])
    .optional(),
  user: z.string().optional(),
  store: z.boolean().nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  reasoning_effort: z.enum(['minimal', 'low', 'medium', 'high']).nullable().optional(),
});

export type ChatRequest = z.infer<typeof request>;
// Compile-time: every request the fake accepts is one the openai package can send.
const insideSdk: ChatRequest extends Omit<ChatCompletionCreateParamsNonStreaming, 'model'> ? true : never = true;
void insideSdk;

const badRequest = (message: string, param: string | null, code: string | null): AzureOpenAiError => ({
  error: { message, type: 'invalid_request_error', param, code },
});

const quoted = (values: readonly unknown[]) => values.map((v) => `'${String(v)}'`).join(', ');

/** The request, or the 400 body the service answers it with. */
export function readChatRequest(value: unknown): { request: ChatRequest } | { refusal: AzureOpenAiError } {
  const parsed = request.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .slice(1);
    const reported = (issue as { input?: unknown }).input;
    // A discriminated union reports the whole object: the value refused is its discriminator.
    const input =
      issue.code === 'invalid_union' && reported && typeof reported === 'object'
        ? (reported as Record<string, unknown>)[String(issue.path.at(-1))]
        : reported;
    if (issue.code === 'unrecognized_keys')
      return { refusal: badRequest(`Unrecognized request argument supplied: ${issue.keys[0]}`, null, null) };
    if (input === undefined)
      return { refusal: badRequest(`Missing required parameter: '${path}'.`, path, 'missing_required_parameter') };
    const options =
      (issue as { options?: unknown[] }).options ?? (issue.code === 'invalid_value' ? issue.values : undefined);
    if (options)
      return {
        refusal: badRequest(
          `Invalid value: '${typeof input === 'string' ? input : JSON.stringify(input)}'. Supported values are: ${quoted(options)}.`,
          path,
          'invalid_value',
        ),
      };
    return { refusal: badRequest(`Invalid value for '${path}': ${issue.message}.`, path, 'invalid_value') };
  }
  const refusal = conversationRefusal(parsed.data);
  return refusal ? { refusal } : { request: parsed.data };
}

/** Tool messages answer the tool calls of the assistant message before them, each call answered. */
function conversationRefusal(r: ChatRequest): AzureOpenAiError | undefined {
  let open: string[] = [];
  for (const [i, m] of r.messages.entries()) {
    if (m.role === 'tool') {
      if (!open.includes(m.tool_call_id))
        return badRequest(
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          `messages.[${i}].role`,
          null,
        );
      open = open.filter((id) => id !== m.tool_call_id);
      continue;
    }
    if (open.length)
      return badRequest(
        `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${open.join(', ')}`,
        `messages.[${i}].role`,
        null,
      );
    open = m.role === 'assistant' ? (m.tool_calls ?? []).map((c) => c.id) : [];
  }
  return undefined;
}

/** A rough token count (about four characters a token), enough to reach a context window on purpose. */
export function estimateTokens(r: ChatRequest): number {
  return Math.ceil(JSON.stringify(r.messages).length / 4);
}

export function contextLengthExceeded(limit: number, tokens: number): AzureOpenAiError {
  return badRequest(
    `This model's maximum context length is ${limit} tokens. However, your messages resulted in ${tokens} tokens. Please reduce the length of the messages.`,
    'messages',
    'context_length_exceeded',
  );
}
