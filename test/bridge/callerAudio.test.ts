import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CallerAudio } from '@switchboard/bridge/callerAudio';

// The caller's 20 ms ACS frames go to the model joined into larger appends; ticks are driven by hand here.

const FRAME = 960; // 20 ms of PCM16 at 24 kHz

/** A frame whose every byte says which frame of the stream it is. */
const frame = (n: number, bytes = FRAME) => Buffer.alloc(bytes, n).toString('base64');

function batcher(appendMs = 100, firstAppendMs?: number) {
  const appends: Buffer[] = [];
  const clock = { ms: 0 };
  const audio = new CallerAudio(
    appendMs,
    (base64) => appends.push(Buffer.from(base64, 'base64')),
    () => clock.ms,
    firstAppendMs,
  );
  return { audio, appends, clock };
}

describe("the caller's audio to the model", () => {
  it('goes in appends of five frames whose audio is the five frames in order, byte for byte', () => {
    const { audio, appends } = batcher();
    for (let n = 1; n <= 12; n++) audio.push(frame(n));
    assert.equal(appends.length, 2, 'two whole appends; two frames are held for the next');
    assert.deepEqual(appends[0], Buffer.concat([1, 2, 3, 4, 5].map((n) => Buffer.alloc(FRAME, n))));
    assert.deepEqual(appends[1], Buffer.concat([6, 7, 8, 9, 10].map((n) => Buffer.alloc(FRAME, n))));
  });

  it('starts with a shorter append when told to (calls spread their appends over the ticks), then whole ones', () => {
    const { audio, appends } = batcher(100, 40);
    for (let n = 1; n <= 8; n++) audio.push(frame(n));
    assert.deepEqual(
      appends.map((a) => [a.length / FRAME, a[0], a.at(-1)]),
      [
        [2, 1, 2],
        [5, 3, 7],
      ],
    );
  });

  it('goes one frame an append when the append is 20 ms', () => {
    const { audio, appends } = batcher(20);
    for (let n = 1; n <= 3; n++) audio.push(frame(n));
    assert.deepEqual(
      appends.map((a) => [a.length, a[0]]),
      [1, 2, 3].map((n) => [FRAME, n]),
    );
  });

  it('ends an append at a chunk with base64 padding, so no padding lands inside an append', () => {
    const { audio, appends } = batcher();
    audio.push(frame(1));
    audio.push(frame(2, 640)); // 640 bytes: not a multiple of 3, so its base64 ends in padding
    audio.push(frame(3));
    assert.equal(appends.length, 1);
    assert.deepEqual(appends[0], Buffer.concat([Buffer.alloc(FRAME, 1), Buffer.alloc(640, 2)]));
  });

  it('sends what it holds once it has held it for two appends (the stream paused), and nothing before', () => {
    const { audio, appends, clock } = batcher();
    audio.push(frame(1));
    clock.ms = 100;
    audio.push(frame(2));
    clock.ms = 199;
    audio.tick();
    assert.equal(appends.length, 0, 'a late stream is still filling its append');
    clock.ms = 200;
    audio.tick();
    assert.deepEqual(appends, [Buffer.concat([1, 2].map((n) => Buffer.alloc(FRAME, n)))]);
    clock.ms = 1000;
    audio.tick();
    assert.equal(appends.length, 1, 'nothing held, nothing sent');
    audio.push(frame(3));
    clock.ms = 1199;
    audio.tick();
    assert.equal(appends.length, 1, 'held from when its first frame came');
  });

  it('drops what it holds on clear (the call is over)', () => {
    const { audio, appends, clock } = batcher();
    audio.push(frame(1));
    audio.clear();
    clock.ms = 1000;
    audio.tick();
    audio.flush();
    assert.equal(appends.length, 0);
  });
});
