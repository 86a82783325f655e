import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FramePacer } from '@switchboard/bridge/framePacer';

// The pacer plays the model's audio to ACS one 20 ms frame per clock tick; ticks are driven by hand here.

const FRAME = 960; // 20 ms of PCM16 at 24 kHz

function pacer() {
  const sent: Buffer[] = [];
  let drained = 0;
  const p = new FramePacer(
    FRAME,
    (frame) => {
      const data = /"data":"([^"]*)"/.exec(frame.toString())?.[1] ?? '';
      sent.push(Buffer.from(data, 'base64'));
    },
    2,
    () => (drained += 1),
  );
  return { p, sent, drained: () => drained };
}

/** PCM whose every byte says which 20 ms frame of the reply it belongs to. */
const reply = (frames: number, extra = 0) => {
  const pcm = Buffer.alloc(frames * FRAME + extra);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.floor(i / FRAME) + 1;
  return pcm;
};

describe('the frame pacer', () => {
  it('waits for two frames, then sends one whole frame a tick, in order, from large and small deltas alike', () => {
    const { p, sent } = pacer();
    const pcm = reply(5);
    p.enqueue(pcm.subarray(0, 500), 'item-1');
    p.tick();
    assert.equal(sent.length, 0, 'nothing before the jitter buffer fills');
    p.enqueue(pcm.subarray(500), 'item-1');
    for (let i = 0; i < 5; i++) p.tick();
    assert.deepEqual(
      sent.map((f) => [f.length, f[0], f[FRAME - 1]]),
      [1, 2, 3, 4, 5].map((n) => [FRAME, n, n]),
    );
    p.tick();
    assert.equal(sent.length, 5, 'one frame a tick, none invented');
  });

  it('pads the last partial frame of a finished reply and says when all of it has been sent', () => {
    const { p, sent, drained } = pacer();
    p.enqueue(reply(2, 100), 'item-1');
    p.finish('item-1');
    for (let i = 0; i < 4; i++) p.tick();
    assert.equal(sent.length, 3);
    assert.equal(sent[2].length, FRAME);
    assert.equal(sent[2][99], 3);
    assert.equal(sent[2][100], 0, 'padded with silence');
    assert.equal(drained(), 1);
    assert.equal(p.playing, false);
  });

  it('drops what was not played on clear, and says how much of the reply was heard', () => {
    const { p, sent } = pacer();
    p.enqueue(reply(10), 'item-1');
    for (let i = 0; i < 3; i++) p.tick();
    assert.deepEqual(p.clear(), { itemId: 'item-1', playedMs: 60 });
    p.tick();
    assert.equal(sent.length, 3);
    assert.equal(p.playing, false);
  });
});
