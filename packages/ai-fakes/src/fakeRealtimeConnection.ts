import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { bytesOf, resample, samplesOf } from '@switchboard/audio/pcm';
import {
  LocalAgentEngine,
  MODEL_RATE,
  type EngineDependencies,
} from '@switchboard/local-ai/voiceAgent/localAgentEngine';
import type { ToolSpec } from '@switchboard/bridge/agentTools';
import { messageText } from '@switchboard/bridge/acsMediaFrames';
import { readClientEvent, type ClientEvent, type Dialect } from './realtimeContract';
import { realtimeErrors, type RealtimeErrorBody } from './realtimeErrors';

// One session of the realtime fake: the service's state machine as its documentation describes it. A response
// is active from response.created to response.done; response.cancel outside one is an error
// (response_cancel_not_active); server VAD cancels the active response itself when the caller starts speaking
// (status_details.reason turn_detected); a session ends at its maximum duration with session_expired.

export interface FakeRealtimeSession {
  dialect: Dialect;
  /** The model (Voice Live) or deployment (Azure OpenAI) the client asked for. */
  model: string;
  /** The client events received, by type. */
  received: string[];
  /** The session as the client last configured it (wire shape). */
  session: Record<string, unknown>;
  /** Whether the client's session.update was accepted (session.updated sent). */
  configured: boolean;
  /** The error events sent, in order. */
  errors: RealtimeErrorBody[];
  /** Each response's id and how it ended. */
  responses: { id: string; status: string; reason?: string }[];
  /** The function call outputs the client sent back, by call id. */
  toolOutputs: Map<string, string>;
  /** What the model said, and the bytes of audio it sent for it. */
  said: string[];
  audioBytesSent: number;
  /** Bytes of caller audio appended. */
  appendedBytes: number;
  /** Whether permessage-deflate was negotiated. */
  deflate: boolean;
}

export interface ConnectionSettings {
  mode: 'agent' | 'echo';
  engine?: EngineDependencies;
  echo?: (audio: string) => string;
  maxSessionMs: number;
  /** Takes one pending response failure (rate limit), if any. */
  takeResponseFault(): boolean;
}

type ServerEvent = Record<string, unknown> & { type: string };

interface ActiveResponse {
  id: string;
  itemId: string;
  text: string;
  pcm: Buffer;
  sent: number;
  /** Deltas stop here until released (a model still generating). */
  holdAt?: number;
}

export class FakeRealtimeConnection {
  private active: ActiveResponse | undefined;
  private readonly itemAudioBytes = new Map<string, number>();
  private engine: LocalAgentEngine | undefined;
  private audioMs = 0;
  private lastItem = '';
  private echoItem = `item_${randomUUID()}`;
  private assistantAudio = false;
  /** The output of the last function call, answered when the client asks for the next response. */
  private pendingToolOutput: string | undefined;
  private readonly expiry: NodeJS.Timeout;
  private readonly names: { delta: string; done: string; transcript: string };

  constructor(
    readonly ws: WebSocket,
    readonly record: FakeRealtimeSession,
    private readonly settings: ConnectionSettings,
  ) {
    const audio = record.dialect === 'voicelive' ? 'response.audio' : 'response.output_audio';
    this.names = { delta: `${audio}.delta`, done: `${audio}.done`, transcript: `${audio}_transcript.done` };
    this.send({ type: 'session.created', session: { id: `sess_${randomUUID()}`, object: 'realtime.session' } });
    this.expiry = setTimeout(() => this.expire(), settings.maxSessionMs);
    ws.on('message', (raw) => this.onMessage(raw as Buffer));
    ws.on('close', () => {
      clearTimeout(this.expiry);
      this.engine?.close();
    });
  }

  /** Server VAD heard the caller start: it says so, and cancels the response in progress itself. */
  speechStarted(): void {
    this.send({ type: 'input_audio_buffer.speech_started', audio_start_ms: this.audioMs, item_id: this.newItem() });
    this.echoItem = this.newItem();
    const vad = this.record.session[this.record.dialect === 'voicelive' ? 'turn_detection' : 'audio'];
    const turnDetection =
      this.record.dialect === 'voicelive'
        ? (vad as { interrupt_response?: boolean } | null | undefined)
        : (vad as { input?: { turn_detection?: { interrupt_response?: boolean } | null } } | undefined)?.input
            ?.turn_detection;
    if (this.active && turnDetection !== null && turnDetection?.interrupt_response !== false)
      this.endResponse('cancelled', 'turn_detected');
  }

  /** The model decides to call a function. */
  callTool(callId: string, name: string, args: string): void {
    const id = `resp_${randomUUID()}`;
    const itemId = this.newItem();
    this.send({ type: 'response.created', response: this.response(id, 'in_progress') });
    this.send({
      type: 'response.output_item.added',
      response_id: id,
      output_index: 0,
      item: { id: itemId, type: 'function_call', call_id: callId, name },
    });
    this.send({
      type: 'response.function_call_arguments.done',
      response_id: id,
      item_id: itemId,
      output_index: 0,
      call_id: callId,
      name,
      arguments: args,
    });
    this.send({ type: 'response.done', response: this.response(id, 'completed') });
    this.record.responses.push({ id, status: 'completed' });
  }

  /** One more delta for the last reply, as a model's still in flight when it was cut. */
  lateAudio(pcm: Buffer): void {
    this.send({ ...this.deltaFields('resp_late', this.lastItem), delta: pcm.toString('base64') });
  }

  say(text: string): void {
    this.engine?.say(text);
  }

  /** A reply of `pcm` (at the session's output rate); with `holdAfterBytes` it stops generating there until release(). */
  respond(text: string, pcm: Buffer, holdAfterBytes?: number): void {
    if (this.active) this.endResponse('completed');
    if (this.settings.takeResponseFault()) return this.failResponse();
    const id = `resp_${randomUUID()}`;
    const itemId = this.newItem();
    this.active = { id, itemId, text, pcm, sent: 0, holdAt: holdAfterBytes };
    this.lastItem = itemId;
    this.itemAudioBytes.set(itemId, pcm.length);
    this.record.said.push(text);
    this.send({ type: 'response.created', response: this.response(id, 'in_progress') });
    this.send({
      type: 'response.output_item.added',
      response_id: id,
      output_index: 0,
      item: { id: itemId, type: 'message', role: 'assistant' },
    });
    this.generate();
  }

  /** A held response generates the rest of its audio. */
  release(): void {
    if (!this.active) return;
    this.active.holdAt = undefined;
    this.generate();
  }

  get responding(): boolean {
    return this.active !== undefined;
  }

  private generate(): void {
    const r = this.active;
    if (!r) return;
    const step = this.bytesPerMs() * 100;
    const end = r.holdAt ?? r.pcm.length;
    for (; r.sent < Math.min(end, r.pcm.length); r.sent += step) {
      const chunk = r.pcm.subarray(r.sent, Math.min(r.sent + step, end));
      this.assistantAudio = true;
      this.record.audioBytesSent += chunk.length;
      this.send({ ...this.deltaFields(r.id, r.itemId), delta: chunk.toString('base64') });
    }
    r.sent = Math.min(r.sent, end);
    if (r.sent >= r.pcm.length) this.endResponse('completed');
  }

  private endResponse(status: 'completed' | 'cancelled', reason?: 'turn_detected' | 'client_cancelled'): void {
    const r = this.active;
    if (!r) return;
    this.active = undefined;
    if (status === 'cancelled') this.itemAudioBytes.set(r.itemId, r.sent);
    const fields = { response_id: r.id, item_id: r.itemId, output_index: 0, content_index: 0 };
    this.send({ type: this.names.done, ...fields });
    this.send({ type: this.names.transcript, ...fields, transcript: r.text });
    this.send({
      type: 'response.done',
      response: {
        ...this.response(r.id, status),
        ...(reason ? { status_details: { type: 'cancelled', reason } } : {}),
      },
    });
    this.record.responses.push({ id: r.id, status, reason });
  }

  /** A response the service could not run (the deployment's rate limit): response.done with status failed. */
  private failResponse(): void {
    const id = `resp_${randomUUID()}`;
    this.send({ type: 'response.created', response: this.response(id, 'in_progress') });
    const error = {
      type: 'tokens',
      code: 'rate_limit_exceeded',
      message: 'Rate limit reached. Please try again in 1s.',
    };
    this.send({
      type: 'response.done',
      response: { ...this.response(id, 'failed'), status_details: { type: 'failed', error } },
    });
    this.record.responses.push({ id, status: 'failed', reason: error.code });
  }

  private response(id: string, status: string) {
    return { id, object: 'realtime.response', status, output: [] };
  }

  private deltaFields(responseId: string, itemId: string) {
    return { type: this.names.delta, response_id: responseId, item_id: itemId, output_index: 0, content_index: 0 };
  }

  /** The session's voice, wherever the dialect keeps it. */
  private voiceOf(session: Record<string, unknown>): string | undefined {
    const voice =
      this.record.dialect === 'voicelive'
        ? session.voice
        : (session.audio as { output?: { voice?: unknown } } | undefined)?.output?.voice;
    return voice === undefined ? undefined : JSON.stringify(voice);
  }

  private newItem(): string {
    return `item_${randomUUID()}`;
  }

  private outputRate(): number {
    if (this.record.dialect !== 'voicelive') return MODEL_RATE;
    const format = this.record.session.output_audio_format;
    return format === 'pcm16_16000hz' ? 16_000 : format === 'pcm16_8000hz' ? 8_000 : MODEL_RATE;
  }

  private inputRate(): number {
    const rate = this.record.dialect === 'voicelive' ? this.record.session.input_audio_sampling_rate : undefined;
    return typeof rate === 'number' ? rate : MODEL_RATE;
  }

  private bytesPerMs(): number {
    return (this.outputRate() * 2) / 1000;
  }

  private send(event: ServerEvent): void {
    if (event.type === 'error') this.record.errors.push(event.error as RealtimeErrorBody);
    if (this.ws.readyState === this.ws.OPEN)
      this.ws.send(JSON.stringify({ event_id: `event_${randomUUID()}`, ...event }));
  }

  private error(error: RealtimeErrorBody): void {
    this.send({ type: 'error', error });
  }

  private expire(): void {
    this.error(realtimeErrors.sessionExpired(this.settings.maxSessionMs));
    this.ws.close(1000, 'session expired');
  }

  private onMessage(raw: Buffer): void {
    let value: unknown;
    try {
      value = JSON.parse(messageText(raw));
    } catch {
      return this.error(realtimeErrors.invalidJson());
    }
    const read = readClientEvent(this.record.dialect, this.record.model, value);
    const type = String((value as { type?: unknown })?.type);
    this.record.received.push(type);
    if (read.error) return this.error(read.error);
    this.handle(read.event);
  }

  private handle(e: ClientEvent): void {
    const id = e.event_id;
    switch (e.type) {
      case 'input_audio_buffer.append':
        return this.append(e.audio);
      case 'session.update': {
        const session = e.session as Record<string, unknown>;
        const voice = this.voiceOf(session);
        if (this.assistantAudio && voice !== undefined && voice !== this.voiceOf(this.record.session))
          return this.error(realtimeErrors.cannotUpdateVoice(id));
        this.record.session = { ...this.record.session, ...session };
        this.record.configured = true;
        this.send({ type: 'session.updated', session: { object: 'realtime.session', ...this.record.session } });
        const tools = Array.isArray(session.tools) ? (session.tools as ToolSpec[]) : [];
        return this.startEngine(typeof session.instructions === 'string' ? session.instructions : '', tools);
      }
      case 'response.create': {
        if (this.active) return this.error(realtimeErrors.activeResponse(this.active.id, id));
        const greeting = /exactly these words: "(.*)"/.exec(e.response?.instructions ?? '')?.[1];
        if (greeting) this.engine?.say(greeting);
        else if (this.pendingToolOutput !== undefined) this.engine?.toolResult(this.pendingToolOutput);
        this.pendingToolOutput = undefined;
        return;
      }
      case 'response.cancel':
        if (!this.active || (e.response_id && e.response_id !== this.active.id))
          return this.error(realtimeErrors.cancelNotActive(id));
        this.engine?.cancel();
        return this.endResponse('cancelled', 'client_cancelled');
      case 'conversation.item.truncate': {
        const bytes = this.itemAudioBytes.get(e.item_id);
        if (bytes === undefined) return this.error(realtimeErrors.itemNotFound(e.item_id, id));
        const audioMs = bytes / this.bytesPerMs();
        if (e.audio_end_ms > audioMs + 1) return this.error(realtimeErrors.truncateTooLong(audioMs, id));
        this.itemAudioBytes.set(e.item_id, e.audio_end_ms * this.bytesPerMs());
        return this.send({
          type: 'conversation.item.truncated',
          item_id: e.item_id,
          content_index: e.content_index,
          audio_end_ms: e.audio_end_ms,
        });
      }
      case 'conversation.item.create': {
        const item = e.item as { type: string; output?: string; call_id?: string };
        const itemId = this.newItem();
        this.send({ type: 'conversation.item.created', previous_item_id: null, item: { id: itemId, ...item } });
        if (item.type !== 'function_call_output') return;
        this.record.toolOutputs.set(String(item.call_id), String(item.output ?? ''));
        this.pendingToolOutput = String(item.output ?? '');
        return;
      }
      default:
        return;
    }
  }

  private append(audio: string): void {
    const bytes = Buffer.byteLength(audio, 'base64');
    this.record.appendedBytes += bytes;
    this.audioMs += bytes / ((this.inputRate() * 2) / 1000);
    if (this.settings.mode === 'echo') {
      this.send({
        ...this.deltaFields('resp_echo', this.echoItem),
        delta: this.settings.echo ? this.settings.echo(audio) : audio,
      });
      return;
    }
    const samples = samplesOf(Buffer.from(audio, 'base64'));
    this.engine?.appendAudio(
      this.inputRate() === MODEL_RATE ? samples : resample(samples, this.inputRate(), MODEL_RATE),
    );
  }

  private startEngine(instructions: string, tools: ToolSpec[]): void {
    if (this.settings.mode !== 'agent' || this.engine || !this.settings.engine) return;
    this.engine = new LocalAgentEngine(
      { instructions, tools },
      {
        speechStarted: () => this.speechStarted(),
        speechStopped: () => {
          this.send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: this.audioMs, item_id: this.newItem() });
          this.send({ type: 'input_audio_buffer.committed', item_id: this.newItem() });
        },
        heard: (text) =>
          this.send({
            type: 'conversation.item.input_audio_transcription.completed',
            item_id: this.newItem(),
            content_index: 0,
            transcript: text,
          }),
        reply: (_itemId, text, pcm) =>
          this.respond(
            text,
            this.outputRate() === MODEL_RATE ? pcm : bytesOf(resample(samplesOf(pcm), MODEL_RATE, this.outputRate())),
          ),
        toolCall: (callId, name, args) => this.callTool(callId, name, args),
        failed: () => this.ws.close(1011),
      },
      this.settings.engine,
    );
  }
}
