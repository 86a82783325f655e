import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallAutomationClient } from '@azure/communication-call-automation';
import { startAcsEmulator } from '@switchboard/acs-emulator';
import { percentile, type BenchRow } from './stats';

// Recording download throughput from the ACS emulator through the SDK's own downloadStreaming (the path
// functions/recordingFileStatusUpdated takes), for a 5-minute mixed WAV (16 kHz, about 9.6 MB).

const DOWNLOADS = 10;

export async function run(): Promise<{ name: string; rows: BenchRow[] }> {
  // Time runs 100x fast in the emulator, so 3 s of waiting records a 5-minute call.
  const acs = await startAcsEmulator({ timeScale: 0.01, incomingCallTimeoutMs: 1_000_000 });
  // The call's callbacks need somewhere to go; the benchmark reads none of them.
  const callbacks = createServer((req, res) => req.resume().on('end', () => res.end()));
  await new Promise<void>((listening) => callbacks.listen(0, '127.0.0.1', listening));
  try {
    const proxy = new URL(acs.proxyUrl);
    const client = new CallAutomationClient(acs.connectionString, {
      proxyOptions: { host: `${proxy.protocol}//${proxy.hostname}`, port: Number(proxy.port) },
    });
    const { serverCallId } = await acs.control.placeCall({ from: '+14255550100', to: '+18005550100' });
    const incoming = await acs.control.waitForEventGrid('Microsoft.Communication.IncomingCall', { serverCallId });
    const { incomingCallContext } = incoming.data as { incomingCallContext: string };
    const answered = await client.answerCall(
      incomingCallContext,
      `http://127.0.0.1:${(callbacks.address() as AddressInfo).port}/callbacks`,
    );
    await acs.control.waitForEvent('CallConnected', {
      callConnectionId: answered.callConnectionProperties.callConnectionId,
    });
    const recorder = client.getCallRecording();
    const { recordingId } = await recorder.start({
      callLocator: { id: serverCallId, kind: 'serverCallLocator' },
      recordingFormat: 'wav',
    });
    await new Promise((r) => setTimeout(r, 3_000));
    await recorder.stop(recordingId);
    // The only call, so the only recording.
    const updated = await acs.control.waitForEventGrid(
      'Microsoft.Communication.RecordingFileStatusUpdated',
      {},
      60_000,
    );
    const { contentLocation } = (
      updated.data as { recordingStorageInfo: { recordingChunks: { contentLocation: string }[] } }
    ).recordingStorageInfo.recordingChunks[0];
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
    callbacks.close();
    await acs.close();
  }
}
