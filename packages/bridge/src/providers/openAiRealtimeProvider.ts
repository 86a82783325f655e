import { randomUUID } from 'node:crypto';
import { getBearerTokenProvider, type TokenCredential } from '@azure/identity';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { toolSpecs } from '../agentTools';
import { afterStart, detailOf, ModelSessionError, SessionAcknowledgement } from './modelServerErrors';
import { greetingInstruction } from './voiceLiveProvider';
import type { AgentConfig, ModelEvents, ModelSession, VoiceModelProvider } from './voiceModel';

// An Azure OpenAI realtime deployment through the openai SDK's realtime client (GA event names), with the
// bridge's managed identity (an Entra token for Cognitive Services, never a key). Azure's GA v1 API is the
// OpenAI API at {endpoint}/openai/v1 with the deployment as the model: no api-version, so the plain OpenAI
// client (the AzureOpenAI one insists on an api-version that the realtime URL never carries).
//
// The SDK emits every server `error` event on its 'error' channel, as it does a socket failure: only the
// socket's own error or close ends the session here. A server error is logged and the session goes on.

export interface OpenAiRealtimeSettings {
  endpoint: string;
  deployment: string;
  credential: TokenCredential;
  /** A realtime model voice (alloy, ash, ...); Azure neural voice names are Voice Live's. */
  voice: string;
}

const COGNITIVE_SERVICES_SCOPE = 'https://cognitiveservices.azure.com/.default';
/** The GA realtime API takes and returns PCM16 at 24 kHz only. */
const RATE = 24_000;

export class OpenAiRealtimeProvider implements VoiceModelProvider {
  readonly name = 'openai-realtime';
  private readonly client: OpenAI;

  constructor(private readonly settings: OpenAiRealtimeSettings) {
    this.client = new OpenAI({
      baseURL: `${settings.endpoint.replace(/\/+$/, '')}/openai/v1`,
      apiKey: getBearerTokenProvider(settings.credential, COGNITIVE_SERVICES_SCOPE),
    });
  }

  async open(agent: AgentConfig, events: ModelEvents): Promise<ModelSession> {
    // No permessage-deflate: deflating every 100 ms audio append costs more CPU than the rest of the relay,
    // and base64 PCM gains little from it (sandbox/ai/README.md).
    const rt = await OpenAIRealtimeWS.create(this.client, {
      model: this.settings.deployment,
      options: { perMessageDeflate: false },
    });
    const ack = new SessionAcknowledgement();
    let closed = false;
    /** The response being generated, from response.created to response.done: only it can be cancelled. */
    let active: string | undefined;
    const close = (error?: Error): void => {
      if (ack.pending) closed = true; // still opening: open() rejects, nothing was started to report on
      ack.failed(error ?? new ModelSessionError('model-dropped', 'realtime connection closed'));
      if (closed) return;
      closed = true;
      events.closed(error);
    };
    await new Promise<void>((resolve, reject) => {
      rt.socket.once('open', () => resolve());
      rt.socket.once('error', reject);
      rt.socket.once('unexpected-response', (_req, res) =>
        reject(new Error(`realtime endpoint answered HTTP ${res.statusCode}`)),
      );
    });
    rt.socket.on('error', () => close(new ModelSessionError('model-dropped', 'realtime connection failed')));
    rt.socket.on('close', (code) =>
      close(closed ? undefined : new ModelSessionError('model-dropped', `realtime connection closed (code ${code})`)),
    );
    rt.on('error', (error) => {
      // Socket failures arrive on the socket's own events above; this channel also carries API errors.
      if (!error.error) return;
      const detail = detailOf(error.error);
      if (ack.pending) return ack.refused(detail);
      const action = afterStart(detail);
      if (action === 'expired')
        close(new ModelSessionError('model-session-expired', 'realtime session expired', detail));
      else if (action === 'log') events.problem?.(detail);
    });
    rt.on('session.updated', () => ack.acknowledged());
    rt.on('response.created', (e) => (active = e.response.id));
    rt.on('response.done', (e) => {
      if (e.response.id === active) active = undefined;
      if (e.response.status === 'failed')
        events.problem?.(detailOf({ type: 'response_failed', ...e.response.status_details?.error }));
    });
    rt.on('response.output_audio.delta', (e) => events.audio(Buffer.from(e.delta, 'base64'), e.item_id));
    rt.on('response.output_audio.done', (e) => events.audioDone(e.item_id));
    rt.on('input_audio_buffer.speech_started', () => events.speechStarted());
    rt.on('conversation.item.input_audio_transcription.completed', (e) => events.callerSaid(e.transcript));
    rt.on('response.output_audio_transcript.done', (e) => events.agentSaid(e.transcript));
    rt.on('response.function_call_arguments.done', (e) =>
      events.toolCall({ callId: e.call_id, name: e.name, arguments: e.arguments }),
    );
    rt.send({
      type: 'session.update',
      event_id: `evt_${randomUUID()}`,
      session: {
        type: 'realtime',
        instructions: agent.instructions,
        output_modalities: ['audio'],
        audio: {
          input: {
            format: { type: 'audio/pcm', rate: RATE },
            turn_detection: { type: 'server_vad', silence_duration_ms: 500 },
            noise_reduction: { type: 'near_field' },
            transcription: { model: 'whisper-1' },
          },
          output: { format: { type: 'audio/pcm', rate: RATE }, voice: this.settings.voice },
        },
        tools: toolSpecs(agent).map((t) => ({ type: 'function' as const, ...t })),
        tool_choice: 'auto',
      },
    });
    try {
      await ack.done;
    } catch (error) {
      closed = true;
      rt.close();
      throw error;
    }
    const send: OpenAIRealtimeWS['send'] = (event) => {
      if (!closed) rt.send(event);
    };
    if (agent.greeting)
      send({ type: 'response.create', response: { instructions: greetingInstruction(agent.greeting) } });
    return {
      sampleRate: RATE,
      appendAudio: (audio) => send({ type: 'input_audio_buffer.append', audio }),
      interrupt: (itemId, playedMs) => {
        // A finished response (the model generates faster than the caller listens) has nothing to cancel.
        if (active) send({ type: 'response.cancel', response_id: active });
        if (itemId)
          send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: playedMs });
      },
      toolResult: (callId, output) => {
        send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callId, output } });
        send({ type: 'response.create' });
      },
      close: () => {
        closed = true;
        rt.close();
        return Promise.resolve();
      },
    };
  }
}
