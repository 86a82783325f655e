import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { callMetrics, resetInstruments } from '@switchboard/app/telemetry/metrics';
import { startTelemetry } from '@switchboard/app/telemetry/startTelemetry';

describe('the custom metrics the portal reads', () => {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });

  before(() => {
    metrics.setGlobalMeterProvider(provider);
    resetInstruments();
  });
  after(async () => {
    await provider.shutdown();
    metrics.disable();
    resetInstruments();
  });

  it('produces answer and turn latency, calls in progress, outcomes by flow, and insights latency', async () => {
    callMetrics.answered(420, { flow: 'support' });
    callMetrics.answered(1800, { flow: 'support' });
    callMetrics.turn(35, { event: 'RecognizeCompleted' });
    callMetrics.connected('support');
    callMetrics.connected('support');
    callMetrics.ended('support', 'completed', true);
    callMetrics.ended('reminder', 'not-connected', false);
    callMetrics.insights(900, { input: 'transcript', outcome: 'summarized' });
    await reader.forceFlush();
    const points = new Map(
      exporter
        .getMetrics()
        .flatMap((r) => r.scopeMetrics)
        .flatMap((s) => s.metrics)
        .map((m) => [m.descriptor.name, m.dataPoints] as const),
    );
    assert.deepEqual([...points.keys()].sort(), [
      'call.answer.latency',
      'call.turn.latency',
      'calls.active',
      'calls.outcome',
      'insights.latency',
    ]);
    const answer = points.get('call.answer.latency')![0].value as { count: number; sum: number; max?: number };
    assert.equal(answer.count, 2);
    assert.equal(answer.sum, 2220);
    assert.equal(answer.max, 1800);
    assert.equal(points.get('calls.active')![0].value, 1, 'two connected, one ended');
    const outcomes = points.get('calls.outcome')!.map((p) => [p.attributes.flow, p.attributes.outcome, p.value]);
    assert.deepEqual(outcomes.sort(), [
      ['reminder', 'not-connected', 1],
      ['support', 'completed', 1],
    ]);
  });

  it('stays off, and loads no exporter, without APPLICATIONINSIGHTS_CONNECTION_STRING', async () => {
    assert.equal(await startTelemetry({}), false);
    const loaded = Object.keys(require.cache).filter((path) => path.includes('monitor-opentelemetry'));
    assert.deepEqual(loaded, []);
  });
});
