import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParticipantMix } from '@switchboard/bridge/participantMix';

// The speakers' frames of an unmixed stream, mixed into one frame per 20 ms for the model; ticks are driven by
// hand here. (The bridge test with an unmixed stream drives the same through the bridge.)

const FRAME = 960;

/** A 20 ms frame whose every sample is `value`, in base64. */
function frame(value: number): string {
  const pcm = Buffer.alloc(FRAME);
  for (let at = 0; at < FRAME; at += 2) pcm.writeInt16LE(value, at);
  return pcm.toString('base64');
}
const sampleOf = (base64: string) => Buffer.from(base64, 'base64').readInt16LE(0);

function mixer() {
  const out: string[] = [];
  const clock = { ms: 0 };
  const mix = new ParticipantMix(
    (base64) => out.push(base64),
    () => clock.ms,
  );
  return { mix, out, clock };
}

describe('the mix of an unmixed stream', () => {
  it('learns the speakers from the first slot, then sends each slot as soon as every speaker has sent', () => {
    const { mix, out } = mixer();
    mix.push('a', frame(100), false);
    mix.push('b', frame(20), false);
    assert.equal(out.length, 0, 'the first slot waits to learn who speaks');
    mix.push('a', frame(300), false);
    assert.deepEqual(out.map(sampleOf), [120]);
    mix.push('b', frame(40), false);
    assert.deepEqual(out.map(sampleOf), [120, 340], 'complete: sent at once');
  });

  it('clips a loud mix instead of wrapping round', () => {
    const { mix, out } = mixer();
    for (const [speaker, value] of [
      ['a', 30_000],
      ['b', 30_000],
      ['a', -30_000],
      ['b', -30_000],
      ['a', 0],
    ] as const)
      mix.push(speaker, frame(value), false);
    assert.deepEqual(out.map(sampleOf), [32_767, -32_768]);
  });

  it('stops waiting for a speaker who stopped sending, and mixes in one who starts one slot late', () => {
    const { mix, out } = mixer();
    mix.push('a', frame(1), false);
    mix.push('b', frame(2), false);
    mix.push('a', frame(3), false); // the first slot goes: a + b
    mix.push('a', frame(5), false); // b sent nothing more: a's 3 goes alone, b is forgotten, a's 5 goes at once
    mix.push('a', frame(7), false);
    mix.push('c', frame(10), false); // c joins: held for a's next frame
    mix.push('a', frame(20), false);
    assert.deepEqual(out.map(sampleOf), [3, 3, 5, 7, 30]);
  });

  it('sends a held slot at the tick once it has waited two frame times (the stream paused)', () => {
    const { mix, out, clock } = mixer();
    mix.push('a', frame(1), false);
    clock.ms = 39;
    mix.tick();
    assert.equal(out.length, 0);
    clock.ms = 40;
    mix.tick();
    assert.deepEqual(out.map(sampleOf), [1]);
  });

  it('passes a lone voice on as it came, silent speakers adding nothing', () => {
    const { mix, out } = mixer();
    const voice = [frame(11), frame(12), frame(13)];
    for (const f of voice) {
      mix.push('caller', f, false);
      mix.push('other', frame(5), true);
    }
    mix.push('caller', frame(0), false);
    assert.deepEqual(out, voice);
  });
});
