import { CallAutomationClient } from '@azure/communication-call-automation';
import { answerIncomingCall, startFixture } from '../test/sandbox/acs/support/fixtures';
import { percentile, type BenchRow } from './stats';

// Recording download throughput from the ACS emulator through the SDK's own downloadStreaming (the path
// functions/recordingFileStatusUpdated takes), for a 5-minute mixed WAV (16 kHz, about 9.6 MB).

const DOWNLOADS = 10;

export async function run(): Promise<{ name: string; rows: BenchRow[] }> {
  // Time runs 100x fast in the emulator, so 3 s of waiting records a 5-minute call.
  const fx = await startFixture({ timeScale: 0.01 });
  try {
    const proxy = new URL(fx.acs.proxyUrl);
    const client = new CallAutomationClient(fx.acs.connectionString, {
      proxyOptions: { host: `${proxy.protocol}//${proxy.hostname}`, port: Number(proxy.port) },
    });
    const { serverCallId } = await answerIncomingCall(fx, client);
    const recorder = client.getCallRecording();
    const { recordingId } = await recorder.start({
      callLocator: { id: serverCallId, kind: 'serverCallLocator' },
      recordingFormat: 'wav',
    });
    await new Promise((r) => setTimeout(r, 3_000));
    await recorder.stop(recordingId);
    const updated = await fx.eventGrid.waitForMatch(
      'Microsoft.Communication.RecordingFileStatusUpdated',
      (e) => String(e.subject).includes(serverCallId),
      60_000,
    );
    const { contentLocation } = (
      updated.data.recordingStorageInfo as { recordingChunks: { contentLocation: string }[] }
    ).recordingChunks[0];
    const rates: number[] = [];
    let bytes = 0;
    for (let i = 0; i < DOWNLOADS; i++) {
      const started = performance.now();
      let size = 0;
      for await (const chunk of await recorder.downloadStreaming(contentLocation)) size += (chunk as Buffer).length;
      const seconds = (performance.now() - started) / 1000;
      rates.push(size / 1_000_000 / seconds);
      bytes = size;
    }
    return {
      name: 'recordings',
      rows: [
        {
          metric: `recording download via SDK downloadStreaming (${(bytes / 1_000_000).toFixed(1)} MB WAV)`,
          p50: percentile(rates, 50),
          p99: percentile(rates, 1),
          unit: 'MB/s (p99 = slowest)',
          samples: rates.length,
        },
      ],
    };
  } finally {
    await fx.close();
  }
}
