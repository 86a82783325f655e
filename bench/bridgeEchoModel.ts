import { startFakeRealtimeService } from '../sandbox/ai/fakeRealtimeService';
import { monotonicMs, serveBenchParent } from './benchChild';

// The echoing model of `npm run bench -- bridge`, in its own process: the Voice Live fake in echo mode. Each
// appended chunk carries, in its first bytes, when the driver sent it (monotonic ms) and the level it
// belongs to; the fake times the hop ACS -> model and stamps when it echoed the chunk, so the driver can time
// the hop model -> ACS. Chunks of other levels (warm-up, a previous level draining) are echoed, not counted.

/** The stamp: 21 bytes (28 base64 characters, no padding) at the start of every frame. */
export const STAMP_BYTES = 21;
export const STAMP_CHARS = 28;
export const stampOf = (base64: string) => Buffer.from(base64.slice(0, STAMP_CHARS), 'base64');

async function main(): Promise<void> {
  let level = -1;
  let inbound: number[] = [];
  const fake = await startFakeRealtimeService({
    mode: 'echo',
    plain: true,
    echo: (audio) => {
      const now = monotonicMs();
      const stamp = stampOf(audio);
      if (stamp.readUInt32LE(16) === level) inbound.push(now - stamp.readDoubleLE(0));
      stamp.writeDoubleLE(monotonicMs(), 8);
      return stamp.toString('base64') + audio.slice(STAMP_CHARS);
    },
  });
  serveBenchParent(fake.url, {
    open: () => fake.openCount(),
    begin: (arg) => {
      level = Number(arg);
      inbound = [];
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
