import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { AgentReport } from '@switchboard/bridge/appClient';
import { connectAsAcs, startAcsKeys, type AcsKeys } from '@switchboard/acs-emulator/media/acsMediaClient';
import { startVoiceProviderFakes } from '@switchboard/ai-fakes/startVoiceProviderFakes';
import { startReadyChild, stopChild } from '@switchboard/functions-host/readyChild';
import { waitFor } from '../../support/waitFor';

// `npm start -- --voice-provider voicelive|openai-realtime`: the media bridge process, started with the settings
// the sandbox gives it, runs that Azure SDK provider against the realtime fake, its managed identity served by
// the fake identity endpoint (DefaultAzureCredential, as in Azure). A stub app answers the voice-agent route.

describe('the sandbox bridge on an Azure voice provider', () => {
  let keys: AcsKeys;
  let app: Server;
  let appUrl: string;
  const reports: AgentReport[] = [];

  before(async () => {
    keys = await startAcsKeys();
    app = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        // The media route (admission and the bridge's watch): this stand-in's calls always run.
        if (req.url?.endsWith('/media')) {
          res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ running: true, step: 'assistant' }));
          return;
        }
        if (req.method === 'POST') reports.push(JSON.parse(body) as AgentReport);
        const callId = decodeURIComponent(/\/api\/calls\/([^/]+)\//.exec(req.url ?? '')?.[1] ?? '');
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            callId,
            instructions: 'Help the caller.',
            greeting: 'Hello from the sandbox.',
            canHandoff: false,
            tools: [],
            maxMs: 60_000,
          }),
        );
      });
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((r) => app?.close(() => r()));
    await keys?.close();
  });

  for (const provider of ['voicelive', 'openai-realtime'] as const) {
    it(`starts the ${provider} provider's agent against the fake, with a managed-identity token`, async () => {
      const fakes = await startVoiceProviderFakes(provider);
      const bridge = await startReadyChild(
        'The media bridge',
        require.resolve('@switchboard/bridge/main'),
        [],
        {
          PORT: '0',
          ACS_IMMUTABLE_RESOURCE_ID: keys.token.audience,
          ACS_CALLBACK_ISSUER: keys.token.issuer,
          ACS_CALLBACK_JWKS_URL: keys.token.jwksUrl,
          APP_BASE_URL: appUrl,
          AzureWebJobsStorage: 'UseDevelopmentStorage=true',
          ...fakes.bridgeEnv,
        },
        'BRIDGE_READY',
      );
      try {
        assert.equal(fakes.summary.provider, provider);
        assert.match(fakes.summary.realtimeEndpoint, /^https:\/\/localhost:\d+$/);
        const before = reports.length;
        const callId = `call-sandbox-${provider}`;
        const acs = await connectAsAcs(`ws://127.0.0.1:${parseInt(bridge.ready, 10)}/media`, {
          callId,
          callToken: 'token',
          authorization: `Bearer ${await keys.sign()}`,
        });
        const report = await waitFor(() => reports.slice(before).at(0), { what: 'the report', timeoutMs: 60_000 });
        assert.deepEqual(report, { type: 'started' });
        assert.ok(fakes.tokensIssued() > 0, 'the bridge took its token from the managed-identity endpoint');
        await waitFor(() => acs.audioBytes > 0, { what: 'the greeting', timeoutMs: 90_000 });
        acs.close();
      } finally {
        await stopChild(bridge.child);
        await fakes.close();
      }
    });
  }
});
