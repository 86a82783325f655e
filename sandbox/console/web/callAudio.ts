// Hears the call: the emulator sends what the caller hears (prompts, the voice agent) as 16 kHz mono PCM16
// frames over the console's WebSocket relay; they are queued back to back on a Web Audio clock.
import { useEffect, useRef, useState } from 'preact/hooks';

const SAMPLE_RATE = 16_000;

export interface CallAudio {
  /** Seconds of the call's audio received and queued for playing. */
  heardSeconds: number;
  muted: boolean;
  setMuted(muted: boolean): void;
}

export function useCallAudio(serverCallId: string | undefined, live: boolean): CallAudio {
  const [heardSeconds, setHeard] = useState(0);
  const [muted, setMuted] = useState(false);
  const gain = useRef<GainNode | undefined>(undefined);
  useEffect(() => {
    if (gain.current) gain.current.gain.value = muted ? 0 : 1;
  }, [muted]);
  useEffect(() => {
    setHeard(0);
    if (!serverCallId || !live) return;
    const context = new AudioContext({ sampleRate: SAMPLE_RATE });
    const out = context.createGain();
    out.connect(context.destination);
    gain.current = out;
    let playAt = 0;
    let total = 0;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/api/calls/${encodeURIComponent(serverCallId)}/audio`);
    socket.binaryType = 'arraybuffer';
    socket.onmessage = (message: MessageEvent<ArrayBuffer>) => {
      const pcm = new Int16Array(message.data);
      if (!pcm.length) return;
      const buffer = context.createBuffer(1, pcm.length, SAMPLE_RATE);
      const channel = buffer.getChannelData(0);
      for (let i = 0; i < pcm.length; i++) channel[i] = pcm[i] / 32768;
      const source = context.createBufferSource();
      source.buffer = buffer;
      source.connect(out);
      playAt = Math.max(playAt, context.currentTime);
      source.start(playAt);
      playAt += buffer.duration;
      total += buffer.duration;
      setHeard(total);
    };
    return () => {
      socket.onmessage = null;
      socket.close();
      void context.close();
    };
  }, [serverCallId, live]);
  return { heardSeconds, muted, setMuted };
}
