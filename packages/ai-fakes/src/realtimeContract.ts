import type { RealtimeClientEvent, RealtimeSessionCreateRequest } from 'openai/resources/realtime/realtime';
import { z } from 'zod';
import { fromIssues, realtimeErrors, type RealtimeErrorBody } from './realtimeErrors';

// What the realtime services accept from a client, checked by the fake on every event it receives.
// - Azure OpenAI realtime (GA, /openai/v1/realtime): the openai package's RealtimeClientEvent and
//   RealtimeSessionCreateRequest types (the compile-time checks below keep these schemas inside them).
// - Voice Live (/voice-live/realtime): the RequestSession model of @azure/ai-voicelive (snake_case on the
//   wire, as its serializers write it) and the Voice Live TypeSpec in Azure/azure-rest-api-specs.
// Objects are strict: a field the service does not know is refused (unknown_parameter), as both services do.

export type Dialect = 'voicelive' | 'openai';

export const OPENAI_VOICES = [
  'alloy',
  'ash',
  'ballad',
  'coral',
  'echo',
  'sage',
  'shimmer',
  'verse',
  'marin',
  'cedar',
] as const;

/** Transcription models Voice Live offers with multimodal realtime models (gpt-realtime, gpt-4o-realtime...). */
export const REALTIME_TRANSCRIPTION_MODELS = [
  'whisper-1',
  'gpt-4o-transcribe',
  'gpt-4o-mini-transcribe',
  'gpt-4o-transcribe-diarize',
] as const;
/** ...and with non-multimodal models (gpt-4o, gpt-4.1, gpt-5, phi4-mini), phi4-mm-realtime and agents. */
export const AZURE_SPEECH_TRANSCRIPTION = 'azure-speech';

/** A multimodal realtime model hears audio itself; every other Voice Live model hears through Azure speech. */
export function isRealtimeModel(model: string): boolean {
  return /realtime/.test(model) && !/^phi4-mm/.test(model);
}

/** The shape of an Azure neural voice name (en-US-AvaMultilingualNeural, en-US-Ava:DragonHDLatestNeural). */
const AZURE_VOICE_NAME = /^[a-z]{2,3}(-[A-Za-z0-9]+){1,3}-[A-Za-z0-9]+(:[A-Za-z0-9]+)?Neural$/;

const unknownOptional = z.unknown().optional();
const functionTool = z.strictObject({
  type: z.literal('function'),
  name: z.string().min(1),
  description: z.string().optional(),
  parameters: unknownOptional,
});
const toolChoice = z.union([
  z.enum(['auto', 'none', 'required']),
  z.strictObject({ type: z.literal('function'), name: z.string() }),
]);

// ---- Azure OpenAI realtime (GA) ----

const gaFormat = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('audio/pcm'), rate: z.literal(24000).optional() }),
  z.strictObject({ type: z.literal('audio/pcmu') }),
  z.strictObject({ type: z.literal('audio/pcma') }),
]);
const gaTurnDetection = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('server_vad'),
      threshold: z.number().min(0).max(1).optional(),
      prefix_padding_ms: z.number().int().optional(),
      silence_duration_ms: z.number().int().optional(),
      create_response: z.boolean().optional(),
      interrupt_response: z.boolean().optional(),
      idle_timeout_ms: z.number().int().nullable().optional(),
    }),
    z.strictObject({
      type: z.literal('semantic_vad'),
      eagerness: z.enum(['low', 'medium', 'high', 'auto']).optional(),
      create_response: z.boolean().optional(),
      interrupt_response: z.boolean().optional(),
    }),
  ])
  .nullable();
const gaSession = z.strictObject({
  type: z.literal('realtime'),
  model: z.string().optional(),
  instructions: z.string().optional(),
  output_modalities: z.array(z.enum(['text', 'audio'])).optional(),
  audio: z
    .strictObject({
      input: z
        .strictObject({
          format: gaFormat.optional(),
          noise_reduction: z
            .strictObject({ type: z.enum(['near_field', 'far_field']), strength: z.number().optional() })
            .optional(),
          // On Azure this names a transcription deployment, not a model.
          transcription: z
            .strictObject({ model: z.string().min(1), language: z.string().optional(), prompt: z.string().optional() })
            .optional(),
          turn_detection: gaTurnDetection.optional(),
        })
        .optional(),
      output: z
        .strictObject({
          format: gaFormat.optional(),
          voice: z.enum(OPENAI_VOICES).optional(),
          speed: z.number().min(0.25).max(1.5).optional(),
        })
        .optional(),
    })
    .optional(),
  tools: z.array(functionTool).optional(),
  tool_choice: toolChoice.optional(),
  max_output_tokens: z.union([z.number().int().min(1).max(4096), z.literal('inf')]).optional(),
  include: unknownOptional,
  tracing: unknownOptional,
  truncation: unknownOptional,
  prompt: unknownOptional,
  reasoning: unknownOptional,
  parallel_tool_calls: z.boolean().optional(),
});
type IsInside<A, B> = A extends B ? true : never;
// Compile-time: every session the fake accepts is one the openai package can send (the fields the fake reads).
type Checked = 'type' | 'instructions' | 'output_modalities' | 'audio' | 'tools' | 'tool_choice' | 'max_output_tokens';
const gaSessionInsideSdk: IsInside<Pick<z.infer<typeof gaSession>, Checked>, RealtimeSessionCreateRequest> = true;
void gaSessionInsideSdk;

// ---- Voice Live ----

const voiceLiveVoice = z.union([
  z.enum(OPENAI_VOICES),
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('openai'), name: z.enum(OPENAI_VOICES) }),
    z.strictObject({
      type: z.literal('azure-standard'),
      name: z.string().regex(AZURE_VOICE_NAME, 'not an Azure voice name'),
      temperature: z.number().min(0).max(1).optional(),
      custom_lexicon_url: z.string().optional(),
      custom_text_normalization_url: z.string().optional(),
      prefer_locales: z.array(z.string()).optional(),
      locale: z.string().optional(),
      style: z.string().optional(),
      pitch: z.string().optional(),
      rate: z.string().optional(),
      volume: z.string().optional(),
    }),
    z.looseObject({ type: z.literal('azure-custom'), name: z.string().min(1), endpoint_id: z.string().min(1) }),
    z.looseObject({ type: z.literal('azure-personal'), name: z.string().min(1), model: z.string().min(1) }),
  ]),
]);
const voiceLiveTurnDetection = z
  .looseObject({
    type: z.enum([
      'server_vad',
      'semantic_vad',
      'azure_semantic_vad',
      'azure_semantic_vad_en',
      'azure_semantic_vad_multilingual',
    ]),
    threshold: z.number().min(0).max(1).optional(),
    prefix_padding_ms: z.number().int().optional(),
    silence_duration_ms: z.number().int().optional(),
    create_response: z.boolean().optional(),
    interrupt_response: z.boolean().optional(),
  })
  .nullable();
const voiceLiveSession = z.strictObject({
  model: z.string().optional(),
  modalities: z.array(z.enum(['text', 'audio', 'animation', 'avatar'])).optional(),
  animation: unknownOptional,
  voice: voiceLiveVoice.optional(),
  instructions: z.string().optional(),
  input_audio_sampling_rate: z.union([z.literal(8000), z.literal(16000), z.literal(24000)]).optional(),
  input_audio_format: z.enum(['pcm16', 'g711_ulaw', 'g711_alaw']).optional(),
  output_audio_format: z.enum(['pcm16', 'pcm16_8000hz', 'pcm16_16000hz', 'g711_ulaw', 'g711_alaw']).optional(),
  turn_detection: voiceLiveTurnDetection.optional(),
  input_audio_noise_reduction: z
    .strictObject({ type: z.enum(['azure_deep_noise_suppression', 'near_field', 'far_field']) })
    .nullable()
    .optional(),
  input_audio_echo_cancellation: z
    .strictObject({
      type: z.literal('server_echo_cancellation'),
      reference_source: unknownOptional,
      channels: unknownOptional,
    })
    .nullable()
    .optional(),
  avatar: unknownOptional,
  input_audio_transcription: z
    .strictObject({
      model: z.enum([...REALTIME_TRANSCRIPTION_MODELS, AZURE_SPEECH_TRANSCRIPTION, 'mai-transcribe-1']),
      language: z.string().optional(),
      custom_speech: z.record(z.string(), z.string()).optional(),
      phrase_list: z.array(z.string()).optional(),
      prompt: z.string().optional(),
    })
    .nullable()
    .optional(),
  output_audio_timestamp_types: unknownOptional,
  tools: z.array(functionTool).optional(),
  tool_choice: toolChoice.optional(),
  temperature: z.number().min(0.6).max(1.2).optional(),
  max_response_output_tokens: z.union([z.number().int().min(1), z.literal('inf')]).optional(),
  reasoning_effort: unknownOptional,
  interim_response: unknownOptional,
  include: unknownOptional,
  metadata: z.record(z.string(), z.string()).optional(),
});

export type VoiceLiveSession = z.infer<typeof voiceLiveSession>;
export type GaSession = z.infer<typeof gaSession>;

// ---- Client events (both dialects share them; only the session differs) ----

const eventId = z.string().optional();
const events = (session: z.ZodType) =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('session.update'), event_id: eventId, session }),
    z.strictObject({ type: z.literal('input_audio_buffer.append'), event_id: eventId, audio: z.base64() }),
    z.strictObject({ type: z.literal('input_audio_buffer.commit'), event_id: eventId }),
    z.strictObject({ type: z.literal('input_audio_buffer.clear'), event_id: eventId }),
    z.strictObject({ type: z.literal('output_audio_buffer.clear'), event_id: eventId }),
    z.strictObject({
      type: z.literal('response.create'),
      event_id: eventId,
      response: z.looseObject({ instructions: z.string().optional() }).optional(),
      additional_instructions: z.string().optional(),
    }),
    z.strictObject({ type: z.literal('response.cancel'), event_id: eventId, response_id: z.string().optional() }),
    z.strictObject({
      type: z.literal('conversation.item.create'),
      event_id: eventId,
      previous_item_id: z.string().optional(),
      item: z.looseObject({ type: z.enum(['message', 'function_call', 'function_call_output']) }),
    }),
    z.strictObject({
      type: z.literal('conversation.item.truncate'),
      event_id: eventId,
      item_id: z.string().min(1),
      content_index: z.number().int().min(0),
      audio_end_ms: z.number().int().min(0),
    }),
    z.strictObject({ type: z.literal('conversation.item.delete'), event_id: eventId, item_id: z.string() }),
    z.strictObject({ type: z.literal('conversation.item.retrieve'), event_id: eventId, item_id: z.string() }),
  ]);
const openAiEvent = events(gaSession);
const voiceLiveEvent = events(voiceLiveSession);
// Compile-time: the GA events the fake accepts are events the openai package can send.
type ExtraEvents = Exclude<z.infer<typeof openAiEvent>['type'], RealtimeClientEvent['type']>;
const gaEventsInsideSdk: [ExtraEvents] extends [never] ? true : false = true;
void gaEventsInsideSdk;

/** Both dialects' events (they differ only in the session, typed unknown here and read per dialect). */
export type ClientEvent = z.infer<typeof openAiEvent>;

/** A client event the service accepts, or the error it answers with. */
export function readClientEvent(
  dialect: Dialect,
  model: string,
  value: unknown,
): { event: ClientEvent; error?: undefined } | { error: RealtimeErrorBody } {
  const id =
    typeof (value as { event_id?: unknown })?.event_id === 'string'
      ? (value as { event_id: string }).event_id
      : undefined;
  const parsed = (dialect === 'openai' ? openAiEvent : voiceLiveEvent).safeParse(value, { reportInput: true });
  if (!parsed.success) return { error: fromIssues(parsed.error.issues, id) };
  const event = parsed.data;
  if (event.type === 'session.update') {
    const error =
      dialect === 'voicelive'
        ? voiceLiveSessionError(model, event.session as VoiceLiveSession, id)
        : gaSessionError(event.session as GaSession, id);
    if (error) return { error };
  }
  return { event };
}

/** Rules across fields that a schema cannot say. */
function voiceLiveSessionError(model: string, s: VoiceLiveSession, id?: string): RealtimeErrorBody | undefined {
  const transcription = s.input_audio_transcription?.model;
  if (transcription) {
    const allowed: readonly string[] = isRealtimeModel(model)
      ? REALTIME_TRANSCRIPTION_MODELS
      : [AZURE_SPEECH_TRANSCRIPTION, 'mai-transcribe-1'];
    if (!allowed.includes(transcription))
      return realtimeErrors.invalidValue('session.input_audio_transcription.model', transcription, allowed, id);
    if (transcription !== AZURE_SPEECH_TRANSCRIPTION) {
      for (const only of ['custom_speech', 'phrase_list'] as const)
        if (s.input_audio_transcription?.[only] !== undefined)
          return realtimeErrors.invalidValue(`session.input_audio_transcription.${only}`, only, [], id);
    }
  }
  if (
    s.input_audio_sampling_rate !== undefined &&
    s.input_audio_format?.startsWith('g711') &&
    s.input_audio_sampling_rate !== 8000
  )
    return realtimeErrors.invalidValue('session.input_audio_sampling_rate', s.input_audio_sampling_rate, [8000], id);
  return undefined;
}

function gaSessionError(s: GaSession, id?: string): RealtimeErrorBody | undefined {
  const modalities = s.output_modalities;
  // The GA API answers in audio (with its transcript) or in text, never both at once.
  if (modalities && modalities.length !== 1)
    return realtimeErrors.invalidValue(
      'session.output_modalities',
      JSON.stringify(modalities),
      ["['audio']", "['text']"],
      id,
    );
  return undefined;
}
