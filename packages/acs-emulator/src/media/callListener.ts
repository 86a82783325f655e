// What the caller hears, for the console's speaker: every prompt (synthesized from its text, in the prompt
// voice the recordings use) and every stretch of audio the app streams into the call (the voice agent), in
// order, as binary WebSocket frames of 16 kHz mono PCM16. Keys the caller presses are not echoed back.
import type WebSocket from 'ws';
import { bytesOf, samplesOf } from '@switchboard/audio/pcm';
import { synthesize } from '@switchboard/audio/speechSynthesizer';
import type { AudioEvent, Call } from '../callAutomation/call';

export function listenToCall(call: Call, ws: WebSocket): void {
  let chain = Promise.resolve();
  const send = (samples: Int16Array | undefined) => {
    if (samples?.length && ws.readyState === ws.OPEN) ws.send(bytesOf(samples), { binary: true });
  };
  const hear = (event: AudioEvent) => {
    if (event.kind !== 'prompt' || event.participantRawId) return;
    const pcm = event.pcm;
    const text = event.text;
    // Synthesis takes a moment: each sound waits for the one before it, so the order is the call's.
    chain = chain
      .then(async () => send(pcm ?? (text ? await synthesize(text, 'slt') : undefined)))
      .catch(() => undefined);
  };
  call.audioListeners.add(hear);
  const stop = () => call.audioListeners.delete(hear);
  call.onEnd.push(() => {
    stop();
    void chain.then(() => ws.close(1000, 'The call ended.'));
  });
  ws.on('close', stop);
  ws.on('error', stop);
}

/** The most one microphone frame may hold: 2 s of 16 kHz PCM16 (browsers send a few hundred ms at a time). */
const MAX_FRAME_BYTES = 64_000;

/**
 * The caller's microphone: binary frames of 16 kHz mono PCM16 from the console become the caller's speech in
 * the call, heard by media streaming (the voice agent) and recordings. Recognizers hear words only as text
 * (`say`), so a menu does not react to the microphone.
 */
export function speakIntoCall(
  call: Call,
  ws: WebSocket,
  record: (action: string, data?: Record<string, unknown>) => void,
): void {
  let totalMs = 0;
  record('microphoneOn');
  ws.on('message', (data: Buffer, binary: boolean) => {
    if (!binary || data.length < 2 || data.length > MAX_FRAME_BYTES || call.state === 'disconnected') return;
    const pcm = samplesOf(data.subarray(0, data.length - (data.length % 2)));
    const durationMs = (pcm.length / 16_000) * 1000;
    totalMs += durationMs;
    call.addAudio({ kind: 'speech', at: Date.now(), durationMs, pcm, participantRawId: call.remoteParty.rawId });
  });
  ws.once('close', () => record('microphoneOff', { ms: Math.round(totalMs) }));
  call.onEnd.push(() => ws.close(1000, 'The call ended.'));
}
