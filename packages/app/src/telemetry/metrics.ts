import { metrics, type Attributes } from '@opentelemetry/api';

// The product's own metrics, through the OpenTelemetry API (a few kB, no SDK): with no SDK registered
// (the sandbox, tests, no APPLICATIONINSIGHTS_CONNECTION_STRING) every instrument is a no-op; in Azure
// startTelemetry() registers the Azure Monitor exporter and the same calls reach Application Insights
// (customMetrics), where the workbook and alerts read them.

const meter = () => metrics.getMeter('switchboard');

let instruments:
  | {
      answerLatency: ReturnType<ReturnType<typeof meter>['createHistogram']>;
      turnLatency: ReturnType<ReturnType<typeof meter>['createHistogram']>;
      active: ReturnType<ReturnType<typeof meter>['createUpDownCounter']>;
      outcome: ReturnType<ReturnType<typeof meter>['createCounter']>;
      insightsLatency: ReturnType<ReturnType<typeof meter>['createHistogram']>;
    }
  | undefined;

// Created on first use, after startTelemetry had its chance to register the provider.
function get() {
  if (instruments) return instruments;
  const m = meter();
  instruments = {
    answerLatency: m.createHistogram('call.answer.latency', {
      unit: 'ms',
      description: 'IncomingCall event raised to the call answered',
    }),
    turnLatency: m.createHistogram('call.turn.latency', {
      unit: 'ms',
      description: 'An ACS callback received to its event handed to the call flow',
    }),
    active: m.createUpDownCounter('calls.active', { description: 'Calls connected and not yet ended' }),
    outcome: m.createCounter('calls.outcome', { description: 'Calls ended, by flow and outcome' }),
    insightsLatency: m.createHistogram('insights.latency', {
      unit: 'ms',
      description: 'A recording, transcript or chat export turned into a summary (or dead-lettered)',
    }),
  };
  return instruments;
}

export const callMetrics = {
  answered(latencyMs: number, attributes: Attributes): void {
    get().answerLatency.record(latencyMs, attributes);
  },
  turn(latencyMs: number, attributes: Attributes): void {
    get().turnLatency.record(latencyMs, attributes);
  },
  connected(flow: string): void {
    get().active.add(1, { flow });
  },
  ended(flow: string, outcome: string, wasConnected: boolean): void {
    if (wasConnected) get().active.add(-1, { flow });
    get().outcome.add(1, { flow, outcome });
  },
  insights(latencyMs: number, attributes: Attributes): void {
    get().insightsLatency.record(latencyMs, attributes);
  },
};

/** Forgets the instruments (tests that register their own meter provider). */
export function resetInstruments(): void {
  instruments = undefined;
}
