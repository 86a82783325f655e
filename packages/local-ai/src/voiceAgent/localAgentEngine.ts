import { randomUUID } from 'node:crypto';
import { bytesOf, encodeWav, resample } from '@switchboard/audio/pcm';
import { SAMPLE_RATE as TTS_RATE } from '@switchboard/audio/speechSynthesizer';
import type { SpeechToText } from '@switchboard/core/audio/transcribe';
import type { ToolSpec } from '@switchboard/bridge/agentTools';
import { replyTo } from './intentRules';
import { VoiceActivity } from './voiceActivity';

// The offline voice agent: voice activity detection on the caller's 24 kHz audio, the project's offline
// recogniser on each utterance, intent-rule replies, spoken with the offline TTS. Used by the bridge's
// `local` provider and, behind the real realtime protocol, by the Voice Live / realtime fake.

export const MODEL_RATE = 24_000;
const STT_RATE = 16_000;
const FRAME_SAMPLES = (MODEL_RATE * 20) / 1000;

export interface EngineEvents {
  speechStarted(): void;
  speechStopped(): void;
  heard(text: string): void;
  /** One spoken reply: its text and its whole audio (PCM16 24 kHz). */
  reply(itemId: string, text: string, pcm: Buffer): void;
  toolCall(callId: string, name: string, args: string): void;
  failed(error: Error): void;
}

export interface EngineDependencies {
  stt: SpeechToText;
  synthesize(text: string): Promise<Int16Array | undefined>;
}

export class LocalAgentEngine {
  private readonly vad = new VoiceActivity();
  private pending = new Int16Array(0);
  private work: Promise<void> = Promise.resolve();
  private closed = false;
  /** Bumped by cancel(): replies prepared for an older generation are dropped. */
  private generation = 0;

  constructor(
    private readonly agent: { instructions: string; tools: ToolSpec[] },
    private readonly events: EngineEvents,
    private readonly deps: EngineDependencies,
  ) {}

  /** Speaks a line (the greeting). */
  say(text: string): void {
    this.enqueue(() => this.speak(text, this.generation));
  }

  appendAudio(samples: Int16Array): void {
    if (this.closed) return;
    const all = new Int16Array(this.pending.length + samples.length);
    all.set(this.pending);
    all.set(samples, this.pending.length);
    let at = 0;
    for (; at + FRAME_SAMPLES <= all.length; at += FRAME_SAMPLES) {
      const event = this.vad.push(all.subarray(at, at + FRAME_SAMPLES));
      if (event?.kind === 'start') this.events.speechStarted();
      if (event?.kind === 'end') {
        this.events.speechStopped();
        const utterance = event.utterance.slice();
        this.enqueue(() => this.answer(utterance));
      }
    }
    this.pending = all.slice(at);
  }

  /** Barge-in: replies not yet spoken are dropped. */
  cancel(): void {
    this.generation += 1;
  }

  toolResult(output: string): void {
    let said = output;
    try {
      const value: unknown = JSON.parse(output);
      if (value && typeof value === 'object') {
        const record = value as Record<string, unknown>;
        if (record.ok === true) return; // handoff / endCall: nothing more to say
        said =
          typeof record.error === 'string'
            ? 'Sorry, I could not do that just now.'
            : Object.values(record)
                .filter((v) => typeof v === 'string' || typeof v === 'number')
                .join('. ');
      }
    } catch {
      // plain text from the tool
    }
    const generation = this.generation;
    this.enqueue(() => this.speak(`Here is what I found. ${said.slice(0, 200)}`, generation));
  }

  close(): void {
    this.closed = true;
  }

  private enqueue(job: () => Promise<void>): void {
    this.work = this.work.then(job).catch((error: Error) => {
      if (!this.closed) this.events.failed(error);
    });
  }

  private async answer(utterance: Int16Array): Promise<void> {
    if (this.closed) return;
    const generation = this.generation;
    const wav = encodeWav(bytesOf(resample(utterance, MODEL_RATE, STT_RATE)), STT_RATE, 1);
    const turns = await this.deps.stt.transcribe(wav, { sourceName: 'caller utterance' });
    const text = turns
      .map((t) => t.text)
      .join(' ')
      .trim();
    if (!text || this.closed) return;
    this.events.heard(text);
    const reply = replyTo(text, this.agent.instructions, this.agent.tools);
    await this.speak(reply.say, generation);
    if (reply.tool && !this.closed)
      this.events.toolCall(randomUUID(), reply.tool.name, JSON.stringify(reply.tool.arguments));
  }

  private async speak(text: string, generation: number): Promise<void> {
    if (this.closed || generation !== this.generation) return;
    const voice = await this.deps.synthesize(text);
    if (this.closed || generation !== this.generation) return;
    const pcm = voice ? bytesOf(resample(voice, TTS_RATE, MODEL_RATE)) : Buffer.alloc(0);
    this.events.reply(`item_${randomUUID()}`, text, pcm);
  }
}
