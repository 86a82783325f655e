import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { getServices } from '../src/app/services';
import { startTelemetry } from '../src/telemetry/startTelemetry';

/** Liveness and configuration summary (no secrets): what the portal's health check and the sandbox tour read. */
export async function health(_request: HttpRequest): Promise<HttpResponseInit> {
  const { config, flows } = await getServices();
  return {
    status: 200,
    jsonBody: {
      status: 'ok',
      taskHub: config.taskHub,
      acs: config.acs.endpoint ? 'managed-identity' : 'connection-string',
      insightsProvider: config.insights.provider,
      mediaBridge: Boolean(config.mediaBridgeUrl),
      flows: Object.keys(flows.flows).length,
      telemetry: (await startTelemetry()) ? 'azure-monitor' : 'off',
    },
  };
}

app.http('health', { route: 'health', methods: ['GET'], authLevel: 'anonymous', handler: health });
