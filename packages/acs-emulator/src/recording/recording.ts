// One recording of a call: its state, the real-time intervals it was active, and, once stopped, the
// rendered file served from the emulator's *.asm.skype.com host, in the content, channel and format asked for:
// WAV mixed (mono) or unmixed (a channel per participant), MP3 mixed, MP4 (H.264 video + audio) mixed.
import { randomUUID } from 'node:crypto';
import type { Call } from '../callAutomation/call';
import type { AudioEvent } from '../callAutomation/call';
import { synthesize } from '@switchboard/audio/speechSynthesizer';
import { encodeMp3, encodeMp4 } from './recordingEncoders';
import { renderSamples, renderUnmixedWav, renderWav, SAMPLE_RATE, type PlacedSound } from './wavRenderer';

const MAX_SYNTHESIZED = 30;

export type RecordingState = 'active' | 'inactive';

export class Recording {
  readonly recordingId = Buffer.from(
    JSON.stringify({ platformEndpointId: randomUUID(), resourceSpecificId: randomUUID() }),
  ).toString('base64');
  readonly documentId = `0-eus-d${Math.floor(Math.random() * 20)}-${randomUUID().replace(/-/g, '')}`;
  readonly startedAt = new Date();
  state: RecordingState = 'inactive';
  stopped = false;
  file?: Buffer;
  /** Unmixed recordings: the participant (raw id) of each channel, in channel order. */
  channels: string[] = [];
  /** Settles when the file has been rendered after stop(). */
  rendered?: Promise<void>;
  deleted = false;
  /** Active intervals in real ms. */
  private readonly intervals: Array<{ from: number; to?: number }> = [];

  constructor(
    readonly call: Call,
    readonly options: { stateCallbackUri?: string; contentType: string; channelType: string; formatType: string },
    private readonly timeScale: number,
  ) {}

  activate(): void {
    if (this.state === 'active' || this.stopped) return;
    this.state = 'active';
    this.intervals.push({ from: Date.now() });
  }

  deactivate(): void {
    if (this.state === 'inactive') return;
    this.state = 'inactive';
    const open = this.intervals.at(-1);
    if (open && open.to === undefined) open.to = Date.now();
  }

  /** Stops recording; resolves once the file is rendered (speech synthesis takes a moment). */
  async stop(): Promise<void> {
    this.deactivate();
    this.stopped = true;
    this.file = await this.render();
  }

  /** Simulated duration, i.e. how long the caller would have heard it. */
  get durationMs(): number {
    const real = this.intervals.reduce((sum, i) => sum + ((i.to ?? Date.now()) - i.from), 0);
    return Math.round(real / (this.timeScale || 1));
  }

  private async render(): Promise<Buffer> {
    const sounds: PlacedSound[] = [];
    let before = 0;
    for (const interval of this.intervals) {
      const to = interval.to ?? Date.now();
      for (const event of this.call.audioLog) {
        if (event.at >= interval.from && event.at <= to)
          sounds.push({ event, offsetMs: (before + event.at - interval.from) / (this.timeScale || 1) });
      }
      before += to - interval.from;
    }
    // Prompts in one voice, callers in another, as a listener (or speech-to-text) would tell them apart.
    const speech = new Map<AudioEvent, Int16Array>();
    for (const { event } of sounds) if (event.pcm) speech.set(event, event.pcm);
    for (const { event } of sounds.filter((s) => !s.event.pcm).slice(0, MAX_SYNTHESIZED)) {
      if (!event.text || event.kind === 'dtmf') continue;
      const samples = await synthesize(event.text, event.kind === 'prompt' ? 'slt' : 'rms');
      if (samples) speech.set(event, samples);
    }
    if (this.options.formatType === 'mp3' || this.options.formatType === 'mp4') {
      const mix = renderSamples(this.durationMs, sounds, speech);
      return this.options.formatType === 'mp3' ? encodeMp3(mix, SAMPLE_RATE) : encodeMp4(mix, SAMPLE_RATE);
    }
    if (this.options.channelType !== 'unmixed') return renderWav(this.durationMs, sounds, speech);
    const unmixed = renderUnmixedWav(this.durationMs, sounds, speech, (e) => e.participantRawId ?? this.appRawId);
    this.channels = unmixed.channels;
    return unmixed.wav;
  }

  /** The app's own audio (prompts, the voice agent) comes from the number the call reached or was made from. */
  private get appRawId(): string {
    return (this.call.direction === 'inbound' ? this.call.callee : this.call.caller).rawId ?? '';
  }
}
