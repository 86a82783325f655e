import { bytesOf, resample, samplesOf } from '@switchboard/audio/pcm';
import { STOP_AUDIO_FRAME } from './acsMediaFrames';
import { runTool, type ToolContext } from './agentTools';
import type { AgentReport, AppApi } from './appClient';
import { CallerAudio } from './callerAudio';
import { CallWatch } from './callWatch';
import { FRAME_MS, type FrameClock } from './frameClock';
import { FramePacer } from './framePacer';
import { ParticipantMix } from './participantMix';
import type { LiveTranscript } from './liveTranscript';
import { ModelSessionError } from './providers/modelServerErrors';
import type { AgentConfig, ModelSession, VoiceModelProvider } from './providers/voiceModel';

// One call's voice agent: ACS audio in -> the model; the model's audio -> paced frames to ACS; barge-in;
// tools; the outcome told to the call's orchestration once the caller has heard the last words. The agent never
// outlives its orchestration nor its step's time (callWatch.ts).

const MODEL_RATE = 24_000;
/** How long a model may take to open (connect, and acknowledge the session's settings) before the caller
 * hears the apology. */
const OPEN_TIMEOUT_MS = 2_000;
/** How long the model's opening waits for the stream's AudioMetadata, which ACS sends first. */
const FORMAT_WAIT_MS = 250;

export interface VoiceCallDependencies {
  provider: VoiceModelProvider;
  app: AppApi;
  clock: FrameClock;
  transcript: LiveTranscript;
  /** The apology the caller hears when the model is unreachable or drops (PCM16 24 kHz). */
  apology: Buffer;
  tools?: ToolContext;
  log?: (message: string, properties?: Record<string, unknown>) => void;
  /** Observes each StopAudio sent (benchmarks). */
  onStopAudio?: () => void;
  /** Caller audio per model append (ms, a multiple of 20); 100 unless set. */
  appendMs?: number;
  /** How often the call's orchestration is checked (ms); CHECK_EVERY_MS unless set. */
  checkMs?: number;
  /** The call's orchestration is gone and the app was asked to hang up: close the call's streams. */
  endStreams?: () => void;
}

export class VoiceCall {
  private rate = MODEL_RATE;
  private pacer: FramePacer;
  private readonly callerAudio: CallerAudio;
  /** Unmixed streams only: the speakers' frames of each 20 ms mixed into one. */
  private mix: ParticipantMix | undefined;
  private model: ModelSession | undefined;
  private agent: AgentConfig | undefined;
  private outcome: AgentReport | undefined;
  private reported = false;
  private closed = false;
  /** The agent was ended from outside (orchestration gone or moved on, time up): the model is silenced. */
  private silenced = false;
  private readonly watch: CallWatch;
  private readonly startedAt = Date.now();
  /** Agent transcript turn and audio length per model item, to cut the turn on barge-in. */
  private readonly items = new Map<string, { turn?: number; bytes: number }>();
  /** The item being played and its transcript turn index. */
  private lastItem: string | undefined;
  /** Items the caller talked over: audio of theirs still in flight from the model is never played. */
  private readonly interrupted = new Set<string>();
  /** Caller audio that arrived before the model session opened is dropped, not queued. */
  private opening: Promise<void> | undefined;
  /** Resolves when the stream's AudioMetadata has said its rate (ACS sends it first). */
  private formatKnown!: () => void;
  private readonly format = new Promise<void>((resolve) => (this.formatKnown = resolve));

  constructor(
    readonly callId: string,
    private readonly token: string,
    /** Writes a frame to ACS: JSON text, as a string or its UTF-8 bytes. */
    private readonly send: (frame: string | Buffer) => void,
    private readonly deps: VoiceCallDependencies,
  ) {
    this.pacer = this.newPacer();
    const appendMs = deps.appendMs ?? 100;
    this.callerAudio = new CallerAudio(
      appendMs,
      (audio) => this.model?.appendAudio(audio),
      undefined,
      firstAppendMs(callId, appendMs),
    );
    deps.clock.add(this.callerAudio);
    this.watch = new CallWatch(
      () => deps.app.session(callId, token),
      {
        gone: () => this.gone(),
        movedOn: () => this.silence('the call moved on'),
        timeUp: () => this.timeUp(),
      },
      deps.checkMs,
    );
  }

  /** AudioMetadata: the stream's sample rate (16 or 24 kHz). */
  setFormat(sampleRate: number): void {
    this.formatKnown();
    if (sampleRate !== 16_000 && sampleRate !== 24_000) return;
    if (sampleRate === this.rate) return;
    this.rate = sampleRate;
    this.deps.clock.remove(this.pacer);
    this.pacer = this.newPacer();
  }

  /** Opens the model session for the call's agent; on failure the caller hears the apology. */
  start(): Promise<void> {
    this.opening ??= this.open();
    return this.opening;
  }

  /** Caller audio (base64 PCM16 at the stream's rate), forwarded without decoding when it is 24 kHz. A frame
   * that names its speaker comes from an unmixed stream: the speakers of each 20 ms are mixed first. */
  audio(base64: string, speaker?: string, silent = false): void {
    if (!this.model || this.closed || this.silenced) return;
    if (speaker === undefined) this.toModel(base64);
    else {
      if (!this.mix) {
        this.mix = new ParticipantMix((mixed) => this.toModel(mixed));
        this.deps.clock.add(this.mix);
      }
      this.mix.push(speaker, base64, silent);
    }
  }

  /** The rate the model session takes and returns: the stream's own where the model takes it (Voice Live). */
  private get modelRate(): number {
    return this.model?.sampleRate ?? MODEL_RATE;
  }

  private toModel(base64: string): void {
    if (this.rate === this.modelRate) this.callerAudio.push(base64);
    else
      this.callerAudio.push(
        bytesOf(resample(samplesOf(Buffer.from(base64, 'base64')), this.rate, this.modelRate)).toString('base64'),
      );
  }

  /** ACS stopped streaming (the step ended, the call moved on, or the caller hung up). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watch.stop();
    this.callerAudio.clear();
    this.deps.clock.remove(this.callerAudio);
    if (this.mix) {
      this.mix.clear();
      this.deps.clock.remove(this.mix);
    }
    this.deps.clock.remove(this.pacer);
    await this.model?.close();
  }

  private newPacer(): FramePacer {
    const frameBytes = (this.rate * 2 * 20) / 1000;
    const pacer = new FramePacer(
      frameBytes,
      (frame) => this.send(frame),
      2,
      () => this.drained(),
    );
    this.deps.clock.add(pacer);
    return pacer;
  }

  private async open(): Promise<void> {
    try {
      // The model session opens at the stream's rate where it can: wait (briefly) for ACS to say it.
      const format = Promise.race([this.format, new Promise((r) => setTimeout(r, FORMAT_WAIT_MS).unref())]);
      [this.agent] = await Promise.all([this.deps.app.agent(this.callId, this.token), format]);
      this.watch.limit(this.agent.step, Math.max(0, this.agent.maxMs - (Date.now() - this.startedAt)));
      const opened = this.deps.provider.open(
        this.agent,
        {
          audio: (pcm, itemId) => this.modelAudio(pcm, itemId),
          audioDone: (itemId) => this.pacer.finish(itemId),
          speechStarted: () => this.bargeIn(),
          callerSaid: (text) => this.deps.transcript.caller(text),
          agentSaid: (text) => this.agentSaid(text),
          toolCall: (call) => void this.toolCall(call.callId, call.name, call.arguments),
          closed: (error) => {
            if (!error) return;
            const reason = error instanceof ModelSessionError ? error.reason : 'model-dropped';
            this.deps.log?.('voice model session ended', { callId: this.callId, reason });
            this.fail(reason);
          },
          problem: (detail) => this.deps.log?.('voice model reported an error', { callId: this.callId, ...detail }),
        },
        { sampleRate: this.rate },
      );
      const timeout = new Promise<never>((_, reject) => {
        const timer = setTimeout(() => reject(new Error('model did not open in time')), OPEN_TIMEOUT_MS);
        void opened.finally(() => clearTimeout(timer)).catch(() => undefined);
      });
      this.model = await Promise.race([opened, timeout]);
      if (this.closed || this.silenced) {
        await this.model.close();
        return;
      }
      this.deps.log?.('voice agent started', { callId: this.callId, provider: this.deps.provider.name });
      await this.deps.app.report(this.callId, this.token, { type: 'started' }).catch(() => undefined);
    } catch (error) {
      // A refused setting names itself (its code and parameter path); the flow takes its fallback either way.
      const refused = error instanceof ModelSessionError && error.reason === 'model-session-rejected';
      const reason = refused ? error.reason : this.agent ? 'model-unreachable' : 'agent-unavailable';
      this.deps.log?.('voice agent could not start', {
        callId: this.callId,
        reason,
        error: (error as Error).name,
        ...(refused ? error.detail : {}),
      });
      this.fail(reason);
    }
  }

  private modelAudio(pcm: Buffer, itemId: string): void {
    if (this.closed || this.silenced || this.outcome?.type === 'failed' || this.interrupted.has(itemId)) return;
    const item = this.items.get(itemId) ?? { bytes: 0 };
    item.bytes += pcm.length;
    this.items.set(itemId, item);
    this.lastItem = itemId;
    this.pacer.enqueue(
      this.rate === this.modelRate ? pcm : bytesOf(resample(samplesOf(pcm), this.modelRate, this.rate)),
      itemId,
    );
  }

  private agentSaid(text: string): void {
    const turn = this.deps.transcript.agent(text);
    const item = this.lastItem ? this.items.get(this.lastItem) : undefined;
    if (item && item.turn === undefined) item.turn = turn;
  }

  /** The caller spoke over the agent: silence ACS at once, then cut the model's reply to what was heard. */
  private bargeIn(): void {
    if (!this.pacer.playing || this.outcome) return;
    this.send(STOP_AUDIO_FRAME);
    this.deps.onStopAudio?.();
    const played = this.pacer.clear();
    if (played) this.interrupted.add(played.itemId);
    if (this.lastItem) this.interrupted.add(this.lastItem);
    const heardMs = played?.playedMs ?? 0;
    this.model?.interrupt(played?.itemId, heardMs);
    const item = played ? this.items.get(played.itemId) : undefined;
    if (item?.turn !== undefined) {
      const totalMs = (item.bytes / (this.modelRate * 2)) * 1000;
      this.deps.transcript.cut(item.turn, totalMs ? heardMs / totalMs : 0);
    }
  }

  private async toolCall(callId: string, name: string, args: string): Promise<void> {
    if (!this.agent || !this.model) return;
    const output = await runTool(
      name,
      args,
      this.agent,
      {
        handoff: (reason) => this.finish({ type: 'handoff', reason }),
        endCall: (reason) => this.finish({ type: 'ended', reason, turns: 0, durationMs: 0 }),
      },
      this.deps.tools,
    );
    this.model?.toolResult(callId, output);
  }

  /** Decides the outcome; it is reported once the caller has heard what is queued. */
  private finish(outcome: AgentReport): void {
    if (this.outcome) return;
    this.outcome = outcome;
    if (!this.pacer.playing) this.drained();
  }

  private fail(reason: string): void {
    if (this.closed || this.silenced || this.outcome) return;
    this.outcome = { type: 'failed', reason };
    // Never dead air: the apology replaces whatever was playing, then the flow takes its fallback.
    if (this.pacer.playing) this.send(STOP_AUDIO_FRAME);
    this.pacer.clear();
    const apology =
      this.rate === MODEL_RATE
        ? this.deps.apology
        : bytesOf(resample(samplesOf(this.deps.apology), MODEL_RATE, this.rate));
    this.pacer.enqueue(apology, 'apology');
    this.pacer.finish('apology');
    if (!this.pacer.playing) this.drained();
    void this.model?.close();
  }

  /** Ends the agent at once: what is queued for the caller is dropped, the model closed. */
  private silence(why: string): void {
    if (this.closed || this.silenced) return;
    this.silenced = true;
    this.deps.log?.('voice agent stopped', { callId: this.callId, why });
    if (this.pacer.playing) {
      this.send(STOP_AUDIO_FRAME);
      this.deps.onStopAudio?.();
    }
    this.pacer.clear();
    void this.model?.close();
  }

  /** The orchestration is gone: nobody will stop the stream or hang up, so the app is asked to. */
  private gone(): void {
    this.silence('the call has no orchestration');
    this.reported = true;
    void this.deps.app
      .hangUp(this.callId, this.token)
      .catch((error: Error) =>
        this.deps.log?.('could not have the orphaned call hung up', { callId: this.callId, error: error.name }),
      )
      .finally(() => this.deps.endStreams?.());
  }

  /** The step's time is up and the orchestration has not moved on: the agent ends, and says why. */
  private timeUp(): void {
    this.silence('the step time is up');
    // An outcome still waiting for its last words to play is told now; otherwise the time limit is the outcome.
    this.outcome ??= { type: 'ended', reason: 'time-limit', turns: 0, durationMs: 0 };
    this.drained();
  }

  private drained(): void {
    if (!this.outcome || this.reported) return;
    this.reported = true;
    const report: AgentReport =
      this.outcome.type === 'ended'
        ? { ...this.outcome, turns: this.deps.transcript.turnCount, durationMs: Date.now() - this.startedAt }
        : this.outcome;
    this.deps.log?.('voice agent finished', {
      callId: this.callId,
      outcome: report.type,
      reason: 'reason' in report ? report.reason : undefined,
    });
    void this.deps.app
      .report(this.callId, this.token, report)
      .catch((error: Error) =>
        this.deps.log?.('could not tell the app how the agent finished', { callId: this.callId, error: error.name }),
      );
    void this.model?.close();
  }
}

/** A call's first append, one frame to a whole append by its id: calls' appends spread over an append's ticks. */
function firstAppendMs(callId: string, appendMs: number): number {
  let hash = 0;
  for (let i = 0; i < callId.length; i++) hash = (hash * 31 + callId.charCodeAt(i)) | 0;
  const frames = Math.max(1, Math.floor(appendMs / FRAME_MS));
  return FRAME_MS * (1 + (Math.abs(hash) % frames));
}
