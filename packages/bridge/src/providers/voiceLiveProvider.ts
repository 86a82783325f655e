import { randomUUID } from 'node:crypto';
import { VoiceLiveClient, type RequestSession, type VoiceLiveSession } from '@azure/ai-voicelive';
import type { TokenCredential } from '@azure/identity';
import { toolSpecs } from '../agentTools';
import { afterStart, detailOf, ModelSessionError, SessionAcknowledgement } from './modelServerErrors';
import type { AgentConfig, ModelEvents, ModelSession, OpenOptions, VoiceModelProvider } from './voiceModel';

// Azure AI Voice Live through its SDK, with the bridge's managed identity: server VAD, Azure noise
// suppression and echo cancellation, an Azure voice from the flow, function tools. The session counts as
// open once the service acknowledges its settings (session.updated); a refusal rejects open(). Server errors
// afterwards are logged and the session goes on.
//
// Compression: the SDK always offers permessage-deflate (its WebSocket factory takes no option); whether the
// service accepts is unverified (sandbox/ai/README.md), so the bridge cannot turn it off here.

export interface VoiceLiveSettings {
  endpoint: string;
  model: string;
  credential: TokenCredential;
  /** The voice when the flow names none. */
  defaultVoice: string;
}

export function greetingInstruction(greeting: string): string {
  return `Greet the caller with exactly these words: "${greeting}"`;
}

/**
 * The input transcription model for a Voice Live model. Multimodal realtime models (gpt-realtime,
 * gpt-4o-realtime-preview, ...) hear the audio themselves and take whisper-1 / gpt-4o-transcribe; azure-speech
 * is for the non-multimodal models (gpt-4o, gpt-4.1, gpt-5, phi4-mini), phi4-mm-realtime and agents.
 */
export function transcriptionModelFor(model: string): 'whisper-1' | 'azure-speech' {
  return /realtime/.test(model) && !/^phi4-mm/.test(model) ? 'whisper-1' : 'azure-speech';
}

/** Voice Live takes and returns PCM16 at 16 kHz as well as 24 kHz: a 16 kHz stream passes through. */
const RATES = new Set([16_000, 24_000]);

export class VoiceLiveProvider implements VoiceModelProvider {
  readonly name = 'voicelive';
  private readonly client: VoiceLiveClient;

  constructor(private readonly settings: VoiceLiveSettings) {
    this.client = new VoiceLiveClient(settings.endpoint, settings.credential);
  }

  async open(agent: AgentConfig, events: ModelEvents, options: OpenOptions = {}): Promise<ModelSession> {
    const sampleRate = options.sampleRate && RATES.has(options.sampleRate) ? options.sampleRate : 24_000;
    const session: VoiceLiveSession = await this.client.startSession(this.settings.model);
    const ack = new SessionAcknowledgement();
    let closed = false;
    /** The response being generated, from response.created to response.done: only it can be cancelled. */
    let active: string | undefined;
    const close = (error?: Error): void => {
      if (ack.pending) closed = true; // still opening: open() rejects, nothing was started to report on
      ack.failed(error ?? new ModelSessionError('model-dropped', 'Voice Live disconnected'));
      if (closed) return;
      closed = true;
      events.closed(error);
    };
    // The SDK awaits its handlers; these only hand the event on.
    const handle =
      <T>(fn: (event: T) => void) =>
      (event: T): Promise<void> => {
        fn(event);
        return Promise.resolve();
      };
    session.subscribe({
      onSessionUpdated: handle(() => ack.acknowledged()),
      onResponseCreated: handle((e) => (active = e.response.id)),
      onResponseDone: handle((e) => {
        if (e.response.id === active) active = undefined;
        const details = e.response.statusDetails;
        if (details?.type === 'failed')
          events.problem?.(detailOf({ type: 'response_failed', ...(details as { error?: object }).error }));
      }),
      // The SDK has decoded the delta: a Buffer over the same memory, not a copy.
      onResponseAudioDelta: handle((e) =>
        events.audio(Buffer.from(e.delta.buffer, e.delta.byteOffset, e.delta.byteLength), e.itemId),
      ),
      onResponseAudioDone: handle((e) => events.audioDone(e.itemId)),
      onInputAudioBufferSpeechStarted: handle(() => events.speechStarted()),
      onConversationItemInputAudioTranscriptionCompleted: handle((e) => events.callerSaid(e.transcript)),
      onResponseAudioTranscriptDone: handle((e) => events.agentSaid(e.transcript)),
      onResponseFunctionCallArgumentsDone: handle((e) =>
        events.toolCall({ callId: e.callId, name: e.name, arguments: e.arguments }),
      ),
      onServerError: handle((e) => {
        const detail = detailOf(e.error);
        if (ack.pending) return ack.refused(detail);
        const action = afterStart(detail);
        if (action === 'expired')
          close(new ModelSessionError('model-session-expired', 'Voice Live session expired', detail));
        else if (action === 'log') events.problem?.(detail);
      }),
      onDisconnected: handle((e) =>
        close(closed ? undefined : new ModelSessionError('model-dropped', `Voice Live disconnected (code ${e.code})`)),
      ),
      onError: handle(() => close(new ModelSessionError('model-dropped', 'Voice Live connection failed'))),
    });
    const settings: RequestSession = {
      modalities: ['text', 'audio'],
      instructions: agent.instructions,
      voice: { type: 'azure-standard', name: agent.voice ?? this.settings.defaultVoice },
      inputAudioFormat: 'pcm16',
      inputAudioSamplingRate: sampleRate,
      outputAudioFormat: sampleRate === 16_000 ? 'pcm16_16000hz' : 'pcm16',
      turnDetection: { type: 'server_vad', threshold: 0.5, prefixPaddingInMs: 300, silenceDurationInMs: 500 },
      inputAudioNoiseReduction: { type: 'azure_deep_noise_suppression' },
      inputAudioEchoCancellation: { type: 'server_echo_cancellation' },
      inputAudioTranscription: { model: transcriptionModelFor(this.settings.model) },
      tools: toolSpecs(agent).map((t) => ({ type: 'function' as const, ...t })),
      toolChoice: 'auto',
    };
    try {
      await session.sendEvent({ type: 'session.update', session: settings, eventId: `evt_${randomUUID()}` });
      await ack.done;
    } catch (error) {
      closed = true;
      await session.dispose().catch(() => undefined);
      throw error;
    }
    const send = (event: Parameters<VoiceLiveSession['sendEvent']>[0]): void => {
      if (!closed)
        session.sendEvent(event).catch(() => close(new ModelSessionError('model-dropped', 'Voice Live send failed')));
    };
    if (agent.greeting)
      send({ type: 'response.create', response: { instructions: greetingInstruction(agent.greeting) } });
    return {
      sampleRate,
      appendAudio: (audio) => send({ type: 'input_audio_buffer.append', audio }),
      interrupt: (itemId, playedMs) => {
        // A finished response (the model generates faster than the caller listens) has nothing to cancel.
        if (active) send({ type: 'response.cancel', responseId: active });
        if (itemId) send({ type: 'conversation.item.truncate', itemId, contentIndex: 0, audioEndInMs: playedMs });
      },
      toolResult: (callId, output) => {
        if (closed) return;
        session
          .addConversationItem({ type: 'function_call_output', callId, output })
          .then(() => session.sendEvent({ type: 'response.create' }))
          .catch(() => close(new ModelSessionError('model-dropped', 'Voice Live send failed')));
      },
      close: async () => {
        closed = true;
        await session.dispose().catch(() => undefined);
      },
    };
  }
}
