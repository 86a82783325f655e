import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadFlows } from '@switchboard/app/flows/loadFlows';
import { ValidationError } from '@switchboard/core/errors';
import { appDir, repoRoot as repo } from './hostProcess';
import { offlineSpeechProblems } from './offlineSpeechProblems';
import { startReadyChild, stopChild } from '@switchboard/functions-host/readyChild';
import { bridgeProcess, chatIdentities, startSandbox } from './startSandbox';
import { startVoiceProviderFakes, type VoiceProviderName } from '@switchboard/ai-fakes/startVoiceProviderFakes';

const VOICE_PROVIDERS: VoiceProviderName[] = ['local', 'voicelive', 'openai-realtime'];

// `npm start`: the whole of Switchboard on a laptop, with no Azure subscription: the sandbox world (Azurite,
// the ACS emulator, the app in the local Functions host, the media bridge) as tests start it, plus the console.

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '7071' },
      'console-port': { type: 'string', default: '7072' },
      flows: { type: 'string' },
      // The bridge's voice model: the offline one, or an Azure SDK provider against the realtime fake.
      'voice-provider': { type: 'string', default: 'local' },
    },
  });
  const voiceProvider = values['voice-provider'] as VoiceProviderName;
  if (!VOICE_PROVIDERS.includes(voiceProvider))
    throw new Error(`--voice-provider must be one of ${VOICE_PROVIDERS.join(', ')} (got '${voiceProvider}').`);
  const port = Number(values.port);
  // `--flows <file or folder>` runs the user's own flows; npm runs scripts in the repo, INIT_CWD is where they typed.
  const flowsPath = values.flows
    ? resolve(process.env.INIT_CWD ?? process.cwd(), values.flows)
    : resolve(appDir, 'flows');
  try {
    loadFlows(flowsPath);
  } catch (error) {
    if (error instanceof ValidationError)
      throw new Error(`${error.message}\nFix the flow file and start again.`, { cause: error });
    throw error;
  }

  const problems = await offlineSpeechProblems();
  const voice = await startVoiceProviderFakes(voiceProvider);
  const sandbox = await startSandbox({
    port,
    flowsPath,
    parts: [chatIdentities, (world) => bridgeProcess(world, voice.bridgeEnv)],
    echoHost: true,
  });
  const { acs, azurite, entra, appSettings, hostUrl } = sandbox;
  const chatBot = appSettings.CHAT_BOT_USER_ID;
  const chatAgent = appSettings.CHAT_AGENT_USER_ID;

  // A token with both app roles for trying the locked-down APIs by hand (GET /api/calls/<id>, POST /api/calls).
  const apiToken = await entra.token({ caller: 'sandbox-developer', lifetimeSeconds: 12 * 3600 });
  const { child: consoleServer, ready: consolePort } = await startReadyChild(
    'The console',
    require.resolve('@switchboard/console/main'),
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
      SANDBOX_PROBLEMS: JSON.stringify(problems),
      VOICE_AGENT_PROVIDER: voiceProvider,
    },
    'CONSOLE_READY',
    { echo: { stderr: true } },
  );
  const consoleUrl = `http://127.0.0.1:${consolePort}/`;
  const summary = {
    console: consoleUrl,
    flows: flowsPath,
    problems,
    functionsHost: hostUrl,
    // The Durable API's durabletask_extension system key (x-functions-key or code=), as Azure requires it.
    durableKey: sandbox.host.durableKey,
    api: { token: apiToken, tenantId: entra.tenantId, clientId: entra.clientId, appIdUri: entra.appIdUri },
    mediaBridge: appSettings.MEDIA_BRIDGE_URL,
    voiceAgent: voice.summary,
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
  Media bridge     ${appSettings.MEDIA_BRIDGE_URL}  (voice agent: ${
    voiceProvider === 'local' ? 'offline model' : `${voiceProvider} provider against the realtime fake`
  })
  ACS emulator     ${acs.endpoint}  (control API: ${acs.controlUrl})
  Storage          Azurite  blob ${azurite.blobEndpoint}
  Everything above is also in .sandbox/sandbox.json, with an API bearer token (api.token) for
  /api/calls and /api/summaries: -H "authorization: Bearer $(jq -r .api.token .sandbox/sandbox.json)"

Try it: place a call to the Contoso main line and press 1
  curl -sk -X POST ${acs.controlUrl}/calls -H 'content-type: application/json' -d '{"from":"+14255550123","to":"+18005550100"}'
  curl -sk ${acs.controlUrl}/timeline

Ctrl+C stops everything.`);
  // After the summary, so the last lines on the screen say what does not work and how to fix it.
  for (const problem of problems) console.log(`Warning: ${problem}`);

  const shutdown = async () => {
    await stopChild(consoleServer);
    await sandbox.stop();
    await voice.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((error) => {
  console.error(`The sandbox could not start: ${(error as Error).message}`);
  process.exit(1);
});
