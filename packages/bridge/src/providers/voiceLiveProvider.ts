import { VoiceLiveClient, type VoiceLiveSession } from '@azure/ai-voicelive';
import type { TokenCredential } from '@azure/identity';
import { toolSpecs } from '../agentTools';
import type { AgentConfig, ModelEvents, ModelSession, VoiceModelProvider } from './voiceModel';

// Azure AI Voice Live through its SDK, with the bridge's managed identity: server VAD, Azure noise
// suppression and echo cancellation, an Azure voice from the flow, function tools.

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

export class VoiceLiveProvider implements VoiceModelProvider {
  readonly name = 'voicelive';
  private readonly client: VoiceLiveClient;

  constructor(private readonly settings: VoiceLiveSettings) {
    this.client = new VoiceLiveClient(settings.endpoint, settings.credential);
  }

  async open(agent: AgentConfig, events: ModelEvents): Promise<ModelSession> {
    const session: VoiceLiveSession = await this.client.startSession(this.settings.model);
    let closed = false;
    const close = (error?: Error): void => {
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
      onDisconnected: handle((e) => close(closed ? undefined : new Error(`Voice Live disconnected (code ${e.code})`))),
      onError: handle(() => close(new Error('Voice Live session failed'))),
    });
    await session.updateSession({
      modalities: ['text', 'audio'],
      instructions: agent.instructions,
      voice: { type: 'azure-standard', name: agent.voice ?? this.settings.defaultVoice },
      inputAudioFormat: 'pcm16',
      outputAudioFormat: 'pcm16',
      turnDetection: { type: 'server_vad', threshold: 0.5, prefixPaddingInMs: 300, silenceDurationInMs: 500 },
      inputAudioNoiseReduction: { type: 'azure_deep_noise_suppression' },
      inputAudioEchoCancellation: { type: 'server_echo_cancellation' },
      inputAudioTranscription: { model: 'azure-speech' },
      tools: toolSpecs(agent).map((t) => ({ type: 'function' as const, ...t })),
      toolChoice: 'auto',
    });
    if (agent.greeting)
      await session.sendEvent({
        type: 'response.create',
        response: { instructions: greetingInstruction(agent.greeting) },
      });
    const send = (event: Parameters<VoiceLiveSession['sendEvent']>[0]): void => {
      if (!closed) session.sendEvent(event).catch(() => close(new Error('Voice Live send failed')));
    };
    return {
      appendAudio: (audio) => send({ type: 'input_audio_buffer.append', audio }),
      interrupt: (itemId, playedMs) => {
        send({ type: 'response.cancel' });
        if (itemId) send({ type: 'conversation.item.truncate', itemId, contentIndex: 0, audioEndInMs: playedMs });
      },
      toolResult: (callId, output) => {
        if (closed) return;
        session
          .addConversationItem({ type: 'function_call_output', callId, output })
          .then(() => session.sendEvent({ type: 'response.create' }))
          .catch(() => close(new Error('Voice Live send failed')));
      },
      close: async () => {
        closed = true;
        await session.dispose().catch(() => undefined);
      },
    };
  }
}
