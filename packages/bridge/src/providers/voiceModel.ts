// The one port every voice model sits behind (Voice Live, Azure OpenAI realtime, the offline local model).
// Audio is PCM16 mono at 24 kHz both ways, base64 in (passed through from ACS without decoding).

export type { AgentConfig, HttpTool } from '@switchboard/core/voiceAgentContract';
import type { AgentConfig } from '@switchboard/core/voiceAgentContract';

export interface ToolCall {
  callId: string;
  name: string;
  /** JSON text, as the model sent it. */
  arguments: string;
}

export interface ModelEvents {
  /** A chunk of the agent's speech, PCM16 24 kHz. */
  audio(pcm: Buffer, itemId: string): void;
  /** The model has sent all the audio of an item. */
  audioDone(itemId: string): void;
  /** The caller started speaking (server VAD): barge-in if the agent is talking. */
  speechStarted(): void;
  /** What the caller said (a final transcript of one utterance). */
  callerSaid(text: string): void;
  /** What the agent said (the transcript of one reply). */
  agentSaid(text: string): void;
  toolCall(call: ToolCall): void;
  /** The model session ended; with an error when it failed or dropped. */
  closed(error?: Error): void;
}

export interface ModelSession {
  /** Caller audio: base64 PCM16 24 kHz. */
  appendAudio(base64: string): void;
  /** Barge-in: stop the reply and keep only what the caller heard of it. */
  interrupt(itemId: string | undefined, playedMs: number): void;
  toolResult(callId: string, output: string): void;
  close(): Promise<void>;
}

export interface VoiceModelProvider {
  readonly name: string;
  open(agent: AgentConfig, events: ModelEvents): Promise<ModelSession>;
}
