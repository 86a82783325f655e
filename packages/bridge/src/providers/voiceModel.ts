// The one port every voice model sits behind (Voice Live, Azure OpenAI realtime, the offline local model).
// Audio is PCM16 mono, base64 in (passed through from ACS without decoding), at the session's sampleRate
// both ways: 24 kHz, or the stream's 16 kHz where the model takes it (Voice Live).

export type { AgentConfig, HttpTool } from '@switchboard/core/voiceAgentContract';
import type { AgentConfig } from '@switchboard/core/voiceAgentContract';
import type { ServerErrorDetail } from './modelServerErrors';

export interface ToolCall {
  callId: string;
  name: string;
  /** JSON text, as the model sent it. */
  arguments: string;
}

export interface ModelEvents {
  /** A chunk of the agent's speech, PCM16 at the session's rate. */
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
  /** The model session ended; with an error when it failed or dropped (a ModelSessionError says why). */
  closed(error?: Error): void;
  /** The service reported an error and the session goes on (logged). */
  problem?(detail: ServerErrorDetail): void;
}

export interface OpenOptions {
  /** The rate of the call's stream: a provider whose model takes it natively opens the session at it. */
  sampleRate?: number;
}

export interface ModelSession {
  /** The rate of the audio both ways (Hz). */
  readonly sampleRate: number;
  /** Caller audio: base64 PCM16 at sampleRate. */
  appendAudio(base64: string): void;
  /** Barge-in: stop the reply and keep only what the caller heard of it. */
  interrupt(itemId: string | undefined, playedMs: number): void;
  toolResult(callId: string, output: string): void;
  close(): Promise<void>;
}

export interface VoiceModelProvider {
  readonly name: string;
  /** Resolves once the session is configured as asked; rejects when the service refuses it. */
  open(agent: AgentConfig, events: ModelEvents, options?: OpenOptions): Promise<ModelSession>;
}
