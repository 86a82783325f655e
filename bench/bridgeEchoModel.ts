import { startFakeRealtimeService } from '@switchboard/ai-fakes/fakeRealtimeService';
import { monotonicMs, serveBenchParent } from './benchChild';

// The echoing model of `npm run bench -- bridge`, in its own process: the Voice Live fake in echo mode. Every
// 20 ms frame the driver sends carries, in its first bytes, when it was sent (monotonic ms) and the level it
// belongs to. An append may hold several frames (the bridge joins them), so each frame's stamp is read: the
// hop ACS -> model is timed per frame (the wait for the rest of its append included), and per append from its
// newest frame (what the relay itself added). Each frame is stamped with when it was echoed, so the driver
// can time the hop model -> ACS. Frames of other levels (warm-up, a previous level draining) are echoed, not
// counted.

/** The stamp: 21 bytes (28 base64 characters, no padding) at the start of every frame. */
export const STAMP_BYTES = 21;
export const STAMP_CHARS = 28;
/** A 20 ms frame of PCM16 at 24 kHz in base64 (960 bytes, no padding). */
export const FRAME_CHARS = 1280;
export const stampOf = (base64: string, at = 0) => Buffer.from(base64.slice(at, at + STAMP_CHARS), 'base64');

export interface Inbound {
  /** Per frame: sent by ACS -> appended at the model. */
  frames: number[];
  /** Per append: its newest frame sent by ACS -> appended at the model. */
  appends: number[];
  /** Frames per append, as the relay sent them. */
  framesPerAppend: number[];
}

async function main(): Promise<void> {
  let level = -1;
  let inbound: Inbound = { frames: [], appends: [], framesPerAppend: [] };
  const fake = await startFakeRealtimeService({
    mode: 'echo',
    plain: true,
    echo: (audio) => {
      const now = monotonicMs();
      const parts: string[] = [];
      let counted = 0;
      let newest = 0;
      for (let at = 0; at < audio.length; at += FRAME_CHARS) {
        const stamp = stampOf(audio, at);
        const sent = stamp.readDoubleLE(0);
        // The append could leave once its newest frame had come, whether that frame is counted or not.
        newest = Math.max(newest, sent);
        if (stamp.readUInt32LE(16) === level) {
          inbound.frames.push(now - sent);
          counted += 1;
        }
        stamp.writeDoubleLE(monotonicMs(), 8);
        parts.push(stamp.toString('base64'), audio.slice(at + STAMP_CHARS, at + FRAME_CHARS));
      }
      if (counted) {
        inbound.appends.push(now - newest);
        inbound.framesPerAppend.push(counted);
      }
      return parts.join('');
    },
  });
  serveBenchParent(fake.url, {
    open: () => fake.openCount(),
    begin: (arg) => {
      level = Number(arg);
      inbound = { frames: [], appends: [], framesPerAppend: [] };
      return true;
    },
    end: () => {
      level = -1;
      return inbound;
    },
    speechStarted: () => {
      const at = monotonicMs();
      fake.speechStartedAll();
      return at;
    },
  });
}

if (require.main === module)
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
