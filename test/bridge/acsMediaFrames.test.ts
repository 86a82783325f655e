import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameError, parseInboundFrame } from '../../bridge/acsMediaFrames';

// Inbound ACS media frames. The caller's audio goes on to the model without being decoded, so it is checked
// to be base64 here: a malformed frame is refused by name (and counted), never passed on to fail the session.

const data = Buffer.alloc(960, 7).toString('base64');
const audioFrame = (audioData: Record<string, unknown>) => JSON.stringify({ kind: 'AudioData', audioData });
const acs = { data, timestamp: '2026-12-01T04:00:00.000Z', participantRawID: '8:acs:caller', silent: false };

describe('inbound ACS media frames', () => {
  it('reads AudioData frames, with or without padding, silent or not, in any field order', () => {
    const frames = [
      acs,
      { ...acs, silent: true },
      { timestamp: acs.timestamp, data, silent: false },
      { data: 'AAE=' },
      { data: 'AQ==' },
      { data: '' },
    ];
    for (const audioData of frames) assert.deepEqual(parseInboundFrame(audioFrame(audioData)).kind, 'AudioData');
    assert.equal(
      (parseInboundFrame(audioFrame(acs)) as { audioData: { data: string } }).audioData.data,
      data,
      'the audio as it came',
    );
  });

  it('refuses audio that is not base64, and frames cut short or not JSON, naming what is wrong', () => {
    const refused: [string, RegExp][] = [
      [audioFrame({ ...acs, data: 'AA*A' }), /not base64/],
      [audioFrame({ ...acs, data: 'AAA' }), /not base64/],
      [audioFrame({ ...acs, data: 'A=AA' }), /not base64/],
      [audioFrame({ ...acs, data: 'AAA=AAAA' }), /not base64/],
      [audioFrame({ ...acs, data: `${data}\n` }), /not base64/],
      [audioFrame({ ...acs, data: 12 }), /no base64 data/],
      [audioFrame(acs).slice(0, -1), /not JSON/],
      ['{"kind":"Nonsense","nonsense":{}}', /unknown frame kind/],
      ['{"kind":"AudioData"}', /no audioData object/],
    ];
    for (const [text, reason] of refused)
      assert.throws(
        () => parseInboundFrame(text),
        (error: unknown) => error instanceof FrameError && reason.test(error.message),
        text.slice(0, 80),
      );
  });
});
