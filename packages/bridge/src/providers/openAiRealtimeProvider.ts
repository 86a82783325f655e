import { getBearerTokenProvider, type TokenCredential } from '@azure/identity';
import { AzureOpenAI } from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { toolSpecs } from '../agentTools';
import { greetingInstruction } from './voiceLiveProvider';
import type { AgentConfig, ModelEvents, ModelSession, VoiceModelProvider } from './voiceModel';

// An Azure OpenAI realtime deployment through the openai SDK's Azure realtime client (GA event names), with
// the bridge's managed identity (an Entra token for Cognitive Services, never a key).

export interface OpenAiRealtimeSettings {
  endpoint: string;
  deployment: string;
  credential: TokenCredential;
  /** A realtime model voice (alloy, ash, ...); Azure neural voice names are Voice Live's. */
  voice: string;
}

const COGNITIVE_SERVICES_SCOPE = 'https://cognitiveservices.azure.com/.default';

export class OpenAiRealtimeProvider implements VoiceModelProvider {
  readonly name = 'openai-realtime';
  private readonly client: AzureOpenAI;

  constructor(private readonly settings: OpenAiRealtimeSettings) {
    this.client = new AzureOpenAI({
      endpoint: settings.endpoint,
      azureADTokenProvider: getBearerTokenProvider(settings.credential, COGNITIVE_SERVICES_SCOPE),
      apiVersion: '2025-08-28',
      deployment: settings.deployment,
    });
  }

  async open(agent: AgentConfig, events: ModelEvents): Promise<ModelSession> {
    const rt = await OpenAIRealtimeWS.azure(this.client, { deploymentName: this.settings.deployment });
    let closed = false;
    const close = (error?: Error): void => {
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
    rt.socket.on('close', (code) => close(closed ? undefined : new Error(`realtime connection closed (code ${code})`)));
    rt.on('error', () => close(new Error('realtime session failed')));
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
      session: {
        type: 'realtime',
        instructions: agent.instructions,
        output_modalities: ['audio'],
        audio: {
          input: {
            format: { type: 'audio/pcm', rate: 24000 },
            turn_detection: { type: 'server_vad', silence_duration_ms: 500 },
            noise_reduction: { type: 'near_field' },
            transcription: { model: 'whisper-1' },
          },
          output: { format: { type: 'audio/pcm', rate: 24000 }, voice: this.settings.voice },
        },
        tools: toolSpecs(agent).map((t) => ({ type: 'function' as const, ...t })),
        tool_choice: 'auto',
      },
    });
    if (agent.greeting)
      rt.send({ type: 'response.create', response: { instructions: greetingInstruction(agent.greeting) } });
    const send: OpenAIRealtimeWS['send'] = (event) => {
      if (!closed) rt.send(event);
    };
    return {
      appendAudio: (audio) => send({ type: 'input_audio_buffer.append', audio }),
      interrupt: (itemId, playedMs) => {
        send({ type: 'response.cancel' });
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
