// What the caller hears, for the console's speaker: every prompt (synthesized from its text, in the prompt
// voice the recordings use) and every stretch of audio the app streams into the call (the voice agent), in
// order, as binary WebSocket frames of 16 kHz mono PCM16. Keys the caller presses are not echoed back.
import type WebSocket from 'ws';
import { bytesOf } from '../../../shared/audio/pcm';
import { synthesize } from '../../../shared/audio/speechSynthesizer';
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
