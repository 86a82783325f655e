import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startAzurite } from './azurite';
import { startAcsEmulator } from './acs';
import { stopChild } from './azurite';
import { azuriteTls } from './azuriteTls';
import { sandboxAppSettings, sandboxBridgeSettings, subscribeAppToAcs, subscribeAppToStorage } from './appSettings';
import { startStorageEvents } from './storageEvents';
import { startLocalEntraIssuer } from './entraIssuer';
import { loadFlows } from '../shared/flows/loadFlows';
import { ValidationError } from '../shared/errors';
import { startReadyChild } from './readyChild';

// `npm start`: the whole of Switchboard on a laptop, with no Azure subscription. Azurite for storage,
// the ACS emulator for calls, SMS and chat, and the local Functions host running the app from dist/.

const repo = resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '7071' },
      'console-port': { type: 'string', default: '7072' },
      flows: { type: 'string' },
    },
  });
  const port = Number(values.port);
  const hostUrl = `http://127.0.0.1:${port}`;
  // `--flows <file or folder>` runs the user's own flows; npm runs scripts in the repo, INIT_CWD is where they typed.
  const flowsPath = values.flows
    ? resolve(process.env.INIT_CWD ?? process.cwd(), values.flows)
    : resolve(repo, 'flows');
  try {
    loadFlows(flowsPath);
  } catch (error) {
    if (error instanceof ValidationError)
      throw new Error(`${error.message}\nFix the flow file and start again.`, { cause: error });
    throw error;
  }

  const azurite = await startAzurite({ tls: await azuriteTls() });
  const acs = await startAcsEmulator({ immutableResourceId: 'sandbox-acs-resource' });
  const entra = await startLocalEntraIssuer();
  // The chat bot and the agent it hands over to get their own identities in the emulator.
  const identity = new CommunicationIdentityClient(acs.connectionString, {
    tlsOptions: { ca: readFileSync(acs.caCertPath, 'utf8') },
  });
  const chatBot = (await identity.createUser()).communicationUserId;
  const chatAgent = (await identity.createUser()).communicationUserId;
  // The media bridge with the offline voice agent, on a port of its own; the app streams calls to it.
  const { child: bridge, port: bridgePort } = await startReadyChild(
    'The media bridge',
    resolve(repo, 'dist', 'bridge', 'main.js'),
    [],
    { ...sandboxBridgeSettings({ azurite, acs, appBaseUrl: hostUrl }), PORT: '0' },
    'BRIDGE_READY',
  );
  const appSettings = sandboxAppSettings({ azurite, acs, entra, callbackBaseUrl: hostUrl, flowsPath });
  const env = {
    ...appSettings,
    MEDIA_BRIDGE_URL: `ws://127.0.0.1:${bridgePort}/media`,
    CHAT_BOT_USER_ID: chatBot,
    CHAT_AGENT_USER_ID: chatAgent,
  };
  const { child: host } = await startReadyChild(
    'The Functions host',
    resolve(repo, 'dist', 'sandbox', 'host', 'main.js'),
    ['--app', repo, '--port', String(port)],
    env,
    'HOST_READY',
    { echo: true },
  );

  await subscribeAppToAcs(hostUrl, acs);
  const storageEvents = startStorageEvents({
    connectionString: azurite.connectionString,
    caPem: readFileSync(acs.caCertPath, 'utf8'),
  });
  await subscribeAppToStorage(hostUrl, storageEvents);

  // A token with both app roles for trying the locked-down APIs by hand (GET /api/calls/<id>, POST /api/calls).
  const apiToken = await entra.token({ caller: 'sandbox-developer', lifetimeSeconds: 12 * 3600 });
  const { child: consoleServer, port: consolePort } = await startReadyChild(
    'The console',
    resolve(repo, 'dist', 'sandbox', 'console', 'main.js'),
    ['--port', values['console-port'] ?? '7072'],
    {
      ACS_CONTROL_URL: acs.controlUrl,
      APP_BASE_URL: hostUrl,
      APP_API_TOKEN: await entra.token({ caller: 'sandbox-console', lifetimeSeconds: 12 * 3600 }),
      ACS_CONNECTION_STRING: acs.connectionString,
      CHAT_BOT_USER_ID: chatBot,
      AzureWebJobsStorage: appSettings.AzureWebJobsStorage,
      FLOWS_PATH: flowsPath,
      NODE_EXTRA_CA_CERTS: acs.caCertPath,
    },
    'CONSOLE_READY',
  );
  const consoleUrl = `http://127.0.0.1:${consolePort}/`;
  const summary = {
    console: consoleUrl,
    flows: flowsPath,
    functionsHost: hostUrl,
    api: { token: apiToken, issuer: entra.issuer, audience: entra.audience },
    mediaBridge: `ws://127.0.0.1:${bridgePort}/media`,
    chat: { botUserId: chatBot, agentUserId: chatAgent },
    acs: {
      endpoint: acs.endpoint,
      connectionString: acs.connectionString,
      caCertPath: acs.caCertPath,
      jwksUrl: acs.jwksUrl,
      immutableResourceId: acs.immutableResourceId,
      controlUrl: acs.controlUrl,
    },
    storage: {
      blob: azurite.blobEndpoint,
      queue: azurite.queueEndpoint,
      table: azurite.tableEndpoint,
      connectionString: azurite.connectionString,
    },
  };
  mkdirSync(resolve(repo, '.sandbox'), { recursive: true });
  writeFileSync(resolve(repo, '.sandbox', 'sandbox.json'), JSON.stringify(summary, null, 2));
  console.log(`
Switchboard sandbox is up (no Azure subscription needed).
  Console          ${consoleUrl}  (softphone, live timeline, flow diagram, messages)
  Flows            ${flowsPath}
  Functions host   ${hostUrl}  (health: ${hostUrl}/api/health)
  Media bridge     ws://127.0.0.1:${bridgePort}/media  (offline voice agent)
  ACS emulator     ${acs.endpoint}  (control API: ${acs.controlUrl})
  Storage          Azurite  blob ${azurite.blobEndpoint}
  Everything above is also in .sandbox/sandbox.json, with an API bearer token (api.token) for
  /api/calls and /api/summaries: -H "authorization: Bearer $(jq -r .api.token .sandbox/sandbox.json)"

Try it: place a call to the Contoso main line and press 1
  curl -sk -X POST ${acs.controlUrl}/calls -H 'content-type: application/json' -d '{"from":"+14255550123","to":"+18005550100"}'
  curl -sk ${acs.controlUrl}/timeline

Ctrl+C stops everything.`);

  const shutdown = async () => {
    storageEvents.close();
    await stopChild(consoleServer);
    await stopChild(host);
    await stopChild(bridge);
    await acs.close();
    await entra.close();
    await azurite.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((error) => {
  console.error(`The sandbox could not start: ${(error as Error).message}`);
  process.exit(1);
});
