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

export interface Microphone {
  on: boolean;
  /** Seconds of the caller's voice sent into the call while on. */
  sentSeconds: number;
  toggle(): void;
}

/** The browser's microphone as the caller's voice: 16 kHz PCM16 frames over the console's relay. */
export function useMicrophone(
  serverCallId: string | undefined,
  live: boolean,
  onError: (message: string) => void,
): Microphone {
  const [on, setOn] = useState(false);
  const [sentSeconds, setSent] = useState(0);
  useEffect(() => {
    if (!live) setOn(false);
  }, [live]);
  useEffect(() => {
    if (!on || !serverCallId) return;
    let stopped = false;
    let stream: MediaStream | undefined;
    let context: AudioContext | undefined;
    let socket: WebSocket | undefined;
    let total = 0;
    const start = async () => {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true } });
      context = new AudioContext({ sampleRate: SAMPLE_RATE });
      await context.audioWorklet.addModule('micWorklet.js');
      if (stopped) return;
      const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
      socket = new WebSocket(`${scheme}://${location.host}/api/calls/${encodeURIComponent(serverCallId)}/microphone`);
      const capture = new AudioWorkletNode(context, 'mic-capture');
      capture.port.onmessage = (message: MessageEvent<Float32Array>) => {
        if (socket?.readyState !== WebSocket.OPEN) return;
        const block = message.data;
        const pcm = new Int16Array(block.length);
        for (let i = 0; i < block.length; i++) pcm[i] = Math.max(-1, Math.min(1, block[i])) * 32767;
        socket.send(pcm.buffer);
        total += block.length / SAMPLE_RATE;
        setSent(total);
      };
      context.createMediaStreamSource(stream).connect(capture);
    };
    setSent(0);
    start().catch((error: Error) => {
      onError(`Could not use the microphone: ${error.message}`);
      setOn(false);
    });
    return () => {
      stopped = true;
      socket?.close();
      stream?.getTracks().forEach((track) => track.stop());
      void context?.close();
    };
  }, [on, serverCallId, onError]);
  return { on, sentSeconds, toggle: () => setOn(!on) };
}
