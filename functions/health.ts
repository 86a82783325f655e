import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { getConfig } from '../shared/config';

/** Liveness and configuration summary (no secrets): what the portal's health check and the sandbox tour read. */
export function health(_request: HttpRequest): HttpResponseInit {
  const config = getConfig();
  return {
    status: 200,
    jsonBody: {
      status: 'ok',
      taskHub: config.taskHub,
      acs: config.acs.endpoint ? 'managed-identity' : 'connection-string',
      insightsProvider: config.insights.provider,
      mediaBridge: Boolean(config.mediaBridgeUrl),
    },
  };
}

app.http('health', { route: 'health', methods: ['GET'], authLevel: 'anonymous', handler: health });
