// Play and recognize, as ACS runs them: one media operation at a time, later ones queued unless they
// interrupt; prompts take simulated time; DTMF, speech and silence from the PSTN world drive recognition.
import type { Scheduler, TimerHandle } from '../scheduler';
import type { Call } from './call';
import { stringOrEmpty } from './requestFields';

export interface MediaTiming {
  playMsPerCharacter: number;
  playFileMs: number;
}

type Result = { code: number; subCode: number; message: string };
const ok = (subCode: number, message: string): Result => ({ code: 200, subCode, message });
const failed = (subCode: number, message: string, code = 400): Result => ({ code, subCode, message });

interface Operation {
  kind: 'play' | 'recognize';
  body: Record<string, unknown>;
  operationContext?: string;
  callbackUri?: string;
}

interface Running extends Operation {
  timer?: TimerHandle;
  phase: 'prompt' | 'waiting' | 'playing';
  tones: string[];
}

export class MediaSession {
  private readonly queue: Operation[] = [];
  private current?: Running;
  /** The caller will say nothing to the next recognize: its silence timeout fires at once. */
  private silentNext = false;
  private stopped = false;
  /** Continuous DTMF recognition: every key is reported as it is pressed. */
  private continuous?: { operationContext?: string; callbackUri?: string; sequenceId: number };

  constructor(
    private readonly call: Call,
    private readonly scheduler: Scheduler,
    private readonly timing: MediaTiming,
  ) {}

  enqueue(op: Operation): void {
    if (this.stopped) return;
    if (op.body.interruptCallMediaOperation === true && this.current) {
      this.cancel(this.current);
      this.current = undefined;
    }
    this.queue.push(op);
    if (!this.current) this.next();
  }

  cancelAll(): void {
    const current = this.current;
    this.current = undefined;
    if (current) this.cancel(current);
    for (const op of this.queue.splice(0)) this.cancel({ ...op, phase: 'playing', tones: [] });
  }

  stop(): void {
    this.stopped = true;
    this.current?.timer?.cancel();
    this.current = undefined;
    this.queue.length = 0;
  }

  startContinuousDtmf(operationContext?: string, callbackUri?: string): void {
    this.continuous = { operationContext, callbackUri, sequenceId: 0 };
  }

  stopContinuousDtmf(operationContext?: string, callbackUri?: string): void {
    this.continuous = undefined;
    this.call.emit(
      'ContinuousDtmfRecognitionStopped',
      { operationContext, resultInformation: ok(0, 'Continuous DTMF recognition stopped.') },
      callbackUri,
    );
  }

  pressTones(tones: string[]): void {
    this.call.addAudio({
      kind: 'dtmf',
      at: Date.now(),
      durationMs: tones.length * 150,
      tones,
      participantRawId: this.call.remoteParty.rawId,
    });
    for (const tone of tones) {
      const c = this.continuous;
      if (c) {
        this.call.emit(
          'ContinuousDtmfRecognitionToneReceived',
          {
            operationContext: c.operationContext,
            tone,
            sequenceId: ++c.sequenceId,
            resultInformation: ok(0, 'Tone received.'),
          },
          c.callbackUri,
        );
      }
      this.onTone(tone);
    }
  }

  say(text: string): void {
    this.call.addAudio({
      kind: 'speech',
      at: Date.now(),
      durationMs: Math.max(400, text.split(/\s+/).length * 350),
      text,
      participantRawId: this.call.remoteParty.rawId,
    });
    const op = this.current;
    if (!op || op.kind !== 'recognize') return;
    const type = stringOrEmpty(op.body.recognizeInputType);
    if (type === 'dtmf') return; // a DTMF-only recognizer does not listen to speech
    op.timer?.cancel();
    if (type === 'choices') {
      const choice = matchChoice(op.body, text);
      if (choice) {
        this.finishRecognize(op, 'RecognizeCompleted', ok(8545, 'Action completed, speech option matched.'), {
          recognitionType: 'choices',
          choiceResult: { label: choice.label, recognizedPhrase: choice.phrase, confidence: 0.92 },
        });
      } else {
        this.finishRecognize(op, 'RecognizeFailed', failed(8547, 'Action failed, speech option not matched.'));
      }
      return;
    }
    this.finishRecognize(op, 'RecognizeCompleted', ok(8568, 'Action completed, recognized speech.'), {
      recognitionType: 'speech',
      speechResult: { speech: text, confidence: 0.92 },
    });
  }

  staySilent(): void {
    const op = this.current;
    if (op?.kind === 'recognize' && op.phase === 'waiting') {
      op.timer?.cancel();
      this.silenceTimeout(op);
    } else {
      this.silentNext = true;
    }
  }

  private next(): void {
    if (this.stopped || this.current) return;
    const op = this.queue.shift();
    if (!op) return;
    const running: Running = { ...op, phase: op.kind === 'play' ? 'playing' : 'prompt', tones: [] };
    this.current = running;
    if (op.kind === 'play') this.startPlay(running);
    else this.startRecognize(running);
  }

  private done(op: Running): void {
    if (this.current !== op) return;
    op.timer?.cancel();
    this.current = undefined;
    this.next();
  }

  private emit(op: Operation, type: string, data: Record<string, unknown>): void {
    this.call.emit(type, { operationContext: op.operationContext, ...data }, op.callbackUri);
  }

  private cancel(op: Running): void {
    op.timer?.cancel();
    this.emit(op, op.kind === 'play' ? 'PlayCanceled' : 'RecognizeCanceled', {
      resultInformation: ok(8508, 'Action canceled.'),
    });
  }

  /** Duration of the sources, or a PlayFailed result naming the first bad one. */
  private measure(sources: unknown): { ms: number } | { index: number; result: Result } {
    if (!Array.isArray(sources) || sources.length === 0) {
      return { index: 0, result: failed(8535, 'Action failed, no play source.') };
    }
    let ms = 0;
    for (const [index, raw] of sources.entries()) {
      const s = (raw ?? {}) as Record<string, Record<string, unknown> | string | undefined>;
      const kind = stringOrEmpty(s.kind).toLowerCase();
      if (kind === 'text') {
        const text = stringOrEmpty((s.text as Record<string, unknown> | undefined)?.text).trim();
        if (!text) return { index, result: failed(8582, 'Action failed, text or SSML is empty.') };
        ms += Math.max(500, text.length * this.timing.playMsPerCharacter);
      } else if (kind === 'ssml') {
        const ssml = stringOrEmpty((s.ssml as Record<string, unknown> | undefined)?.ssmlText);
        const text = ssml.replace(/<[^>]*>/g, '').trim();
        if (!text) return { index, result: failed(8582, 'Action failed, text or SSML is empty.') };
        if (!/^\s*<speak[\s>]/i.test(ssml))
          return { index, result: failed(8565, 'Action failed, bad request to Cognitive Services; check SSML.', 500) };
        ms += Math.max(500, text.length * this.timing.playMsPerCharacter);
      } else if (kind === 'file') {
        const uri = stringOrEmpty((s.file as Record<string, unknown> | undefined)?.uri);
        let url: URL | undefined;
        try {
          url = new URL(uri);
        } catch {
          url = undefined;
        }
        if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
          return { index, result: failed(8536, 'Action failed, file could not be downloaded.') };
        }
        if (!/\.(wav|mp3)$/i.test(url.pathname))
          return { index, result: failed(8535, 'Action failed, file format is invalid.') };
        ms += this.timing.playFileMs;
      } else {
        return { index, result: failed(8535, 'Action failed, unknown play source.') };
      }
    }
    return { ms };
  }

  private startPlay(op: Running): void {
    const m = this.measure(op.body.playSources);
    if ('result' in m) {
      this.emit(op, 'PlayFailed', { resultInformation: m.result, failedPlaySourceIndex: m.index });
      this.done(op);
      return;
    }
    this.emit(op, 'PlayStarted', { resultInformation: ok(0, 'Action started.') });
    this.call.addAudio({
      kind: 'prompt',
      at: Date.now(),
      durationMs: m.ms,
      text: spokenText(op.body.playSources),
    });
    const loop = (op.body.playOptions as { loop?: boolean } | undefined)?.loop === true;
    if (loop) return; // loops until cancelled or the call ends
    op.timer = this.call.after(m.ms, () => {
      this.emit(op, 'PlayCompleted', { resultInformation: ok(0, 'Action completed successfully.') });
      this.done(op);
    });
  }

  private startRecognize(op: Running): void {
    const opts = (op.body.recognizeOptions ?? {}) as Record<string, unknown>;
    const prompts = Array.isArray(op.body.playPrompts)
      ? op.body.playPrompts
      : op.body.playPrompt
        ? [op.body.playPrompt]
        : [];
    const type = stringOrEmpty(op.body.recognizeInputType);
    if (!['dtmf', 'speech', 'choices', 'speechOrDtmf'].includes(type)) {
      this.finishRecognize(op, 'RecognizeFailed', failed(8510, 'Action failed, unknown recognize input type.'));
      return;
    }
    if (type === 'choices' && !(Array.isArray(opts.choices) && opts.choices.length)) {
      this.finishRecognize(op, 'RecognizeFailed', failed(8547, 'Action failed, no choices given.'));
      return;
    }
    if (prompts.length) {
      const m = this.measure(prompts);
      if ('result' in m) {
        this.finishRecognize(
          op,
          'RecognizeFailed',
          failed(8511, 'Action failed, encountered failure while trying to play the prompt.'),
          {
            failedPlaySourceIndex: m.index,
          },
        );
        return;
      }
      op.phase = 'prompt';
      this.call.addAudio({ kind: 'prompt', at: Date.now(), durationMs: m.ms, text: spokenText(prompts) });
      op.timer = this.call.after(m.ms, () => this.startWaiting(op));
    } else {
      this.startWaiting(op);
    }
  }

  private startWaiting(op: Running): void {
    if (this.current !== op) return;
    op.phase = 'waiting';
    if (this.silentNext) {
      this.silentNext = false;
      this.silenceTimeout(op);
      return;
    }
    const opts = (op.body.recognizeOptions ?? {}) as Record<string, unknown>;
    const seconds = Number(opts.initialSilenceTimeoutInSeconds ?? 5);
    op.timer = this.call.after(seconds * 1000, () => this.silenceTimeout(op));
  }

  private silenceTimeout(op: Running): void {
    this.finishRecognize(op, 'RecognizeFailed', failed(8510, 'Action failed, initial silence timeout reached.'));
  }

  private finishRecognize(op: Running, type: string, result: Result, extra: Record<string, unknown> = {}): void {
    this.emit(op, type, { resultInformation: result, ...extra });
    this.done(op);
  }

  private onTone(tone: string): void {
    const op = this.current;
    if (!op || op.kind !== 'recognize') return;
    const type = stringOrEmpty(op.body.recognizeInputType);
    const opts = (op.body.recognizeOptions ?? {}) as Record<string, unknown>;
    if (type === 'speech') return;
    op.timer?.cancel();
    op.phase = 'waiting';
    if (type === 'choices') {
      const choices = (opts.choices ?? []) as Array<{ label?: string; tone?: string }>;
      const choice = choices.find((c) => c.tone === tone);
      if (choice) {
        this.finishRecognize(op, 'RecognizeCompleted', ok(8545, 'Action completed, option matched.'), {
          recognitionType: 'choices',
          choiceResult: { label: choice.label, confidence: 1 },
        });
      } else {
        this.finishRecognize(op, 'RecognizeFailed', failed(8534, 'Action failed, incorrect tone entered.'));
      }
      return;
    }
    const dtmf = (opts.dtmfOptions ?? {}) as Record<string, unknown>;
    const stopTones = Array.isArray(dtmf.stopTones) ? (dtmf.stopTones as string[]) : [];
    const maxTones = Number(dtmf.maxTonesToCollect ?? 1);
    const complete = (subCode: number, message: string): void =>
      this.finishRecognize(op, 'RecognizeCompleted', ok(subCode, message), {
        recognitionType: 'dtmf',
        dtmfResult: { tones: [...op.tones] },
      });
    if (stopTones.includes(tone)) {
      complete(8514, 'Action completed, stop tone detected.');
      return;
    }
    op.tones.push(tone);
    if (op.tones.length >= maxTones) {
      complete(8531, 'Action completed, max digits received.');
      return;
    }
    const interTone = Number(dtmf.interToneTimeoutInSeconds ?? 2);
    op.timer = this.call.after(interTone * 1000, () =>
      this.finishRecognize(op, 'RecognizeFailed', failed(8532, 'Action failed, inter-digit silence timeout reached.'), {
        recognitionType: 'dtmf',
        dtmfResult: { tones: [...op.tones] },
      }),
    );
  }

  /** Sends tones to a participant (sendDtmfTones): completes after their simulated length. */
  sendTones(count: number, done: () => void): void {
    this.call.after(count * 250, done);
  }
}

/** The words a list of play sources speaks (text and SSML; files have none). */
function spokenText(sources: unknown): string | undefined {
  if (!Array.isArray(sources)) return undefined;
  const parts = sources.map((raw) => {
    const s = (raw ?? {}) as { text?: { text?: string }; ssml?: { ssmlText?: string } };
    return s.text?.text ?? s.ssml?.ssmlText?.replace(/<[^>]*>/g, ' ') ?? '';
  });
  const text = parts.join(' ').replace(/\s+/g, ' ').trim();
  return text || undefined;
}

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function matchChoice(body: Record<string, unknown>, said: string): { label?: string; phrase: string } | undefined {
  const opts = (body.recognizeOptions ?? {}) as Record<string, unknown>;
  const choices = (opts.choices ?? []) as Array<{ label?: string; phrases?: string[] }>;
  const heard = ` ${normalise(said)} `;
  for (const choice of choices) {
    for (const phrase of choice.phrases ?? []) {
      if (heard.includes(` ${normalise(phrase)} `)) return { label: choice.label, phrase };
    }
  }
  return undefined;
}
