import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { audioDataFrame, FrameError, parseInboundFrame, readInboundFrame } from '@switchboard/bridge/acsMediaFrames';

/** Each text is refused by `read` with a FrameError whose message matches its reason. */
function assertRefused(read: (text: string) => unknown, refused: [string, RegExp][]): void {
  for (const [text, reason] of refused)
    assert.throws(
      () => read(text),
      (error: unknown) => error instanceof FrameError && reason.test(error.message),
      text.slice(0, 80),
    );
}

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
    assertRefused((text) => parseInboundFrame(text), refused);
  });

  it('reads frames from their bytes as JSON.parse reads them, in ACS layout or any other', () => {
    const texts = [
      audioFrame(acs),
      audioFrame({ ...acs, silent: true }),
      audioFrame({ data, timestamp: acs.timestamp, silent: false }),
      audioFrame({ data }),
      audioFrame({ data: 'AAE=' }),
      audioFrame({ data: '' }),
      audioFrame({ ...acs, participantRawID: null }),
      audioFrame({ ...acs, extra: { nested: [1, 2] } }),
      audioFrame({ timestamp: acs.timestamp, data, participantRawID: 'x', silent: false }),
      audioFrame({ ...acs, participantRawID: '4:+1 425 555 0100 "quoted" \\ é' }),
      `{"kind":"AudioData","audioData":{"data":"AB\\/A","silent":false}}`,
      `{"kind":"AudioData","audioData":{"data":"AAAA","data":"BBBB","silent":false}}`,
      `{"kind":"AudioData","audioData":{"data":"AAAA","silent":false},"kind":"DtmfData","dtmfData":{"data":"1"}}`,
      `{"kind":"AudioData","audioData":{"data":"AAAA","timestamp":"t","silent":false} }`,
      '{"kind":"DtmfData","dtmfData":{"data":"5"}}',
      '{"kind":"AudioMetadata","audioMetadata":{"sampleRate":16000}}',
    ];
    for (const text of texts)
      assert.deepEqual(readInboundFrame(Buffer.from(text)), parseInboundFrame(text), text.slice(0, 100));
    assert.equal(
      (readInboundFrame(Buffer.from(audioFrame(acs))) as { audioData: { data: string } }).audioData.data,
      data,
    );
  });

  it('refuses bad frames read from their bytes by name, as when parsed whole', () => {
    const refused: [string, RegExp][] = [
      [audioFrame({ ...acs, data: 'AA*A' }), /not base64/],
      [audioFrame({ ...acs, data: 'AAA' }), /not base64/],
      [audioFrame({ ...acs, data: 'A=AA' }), /not base64/],
      [audioFrame({ ...acs, data: '=AAA' }), /not base64/],
      [audioFrame({ ...acs, data: 'AAA=AAAA' }), /not base64/],
      [audioFrame(acs).slice(0, -1), /not JSON/],
      [audioFrame(acs).replace('"silent":false', '"silent":fals'), /not JSON/],
      [audioFrame(acs).replace('2026-12-01', '2026\n12-01'), /not JSON/],
      ['{"kind":"AudioData","audioData":{"data":"AAAA"}}}', /not JSON/],
    ];
    assertRefused((text) => readInboundFrame(Buffer.from(text)), refused);
  });

  it('writes outbound audio frames as the JSON text of the SDK helper, with the audio in base64', () => {
    for (const bytes of [960, 640, 1, 0]) {
      const pcm = Buffer.alloc(bytes, 9);
      assert.deepEqual(JSON.parse(audioDataFrame(pcm).toString('utf8')), {
        kind: 'audioData',
        audioData: { data: pcm.toString('base64'), isSilent: false },
        stopAudio: {},
      });
    }
  });
});
