import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';

// The azd infrastructure read as text: there is no Bicep compiler here, so these are string and regex
// checks of the contracts a person could break without noticing until a deployment (or a call) fails.

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'azure.yaml')) && existsSync(join(dir, 'infra', 'main.bicep'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no azure.yaml + infra/main.bicep above ${start}`);
  }
}

const root = findRepoRoot(__dirname);
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(root, path)).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The text of the `{ ... }` that opens at or after `from` (balanced braces; Bicep strings hold none here). */
function blockAfter(text: string, from: number): string {
  const open = text.indexOf('{', from);
  assert.ok(open >= 0, 'no block found');
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open, i + 1);
  }
  throw new Error('unbalanced braces');
}

const stripComments = (bicep: string): string => bicep.replace(/\/\/.*$/gm, '');

const mainBicep = read('infra/main.bicep');
const functionApp = read('infra/modules/function-app.bicep');
const subscriptionsModule = read('infra/modules/event-subscriptions.bicep');
const communication = read('infra/modules/communication.bicep');
const storage = read('infra/modules/storage.bicep');
const roleAssignments = read('infra/modules/role-assignments.bicep');

/** Setting names in the function app's `appsettings` config resource. */
function appSettingNames(): string[] {
  const at = functionApp.indexOf("name: 'appsettings'");
  assert.ok(at >= 0, "function-app.bicep has no 'appsettings' config resource");
  const properties = blockAfter(functionApp, functionApp.indexOf('properties:', at));
  return [...stripComments(properties).matchAll(/^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:/gm)].map((m) => m[1]);
}

// docs/architecture.md "App settings": the same names in Azure, local.settings.sample.json and the sandbox.
// AzureWebJobsStorage is identity-based in Azure and ACS_CONNECTION_STRING is the keyed alternative to
// ACS_ENDPOINT, so both are checked separately below.
const ARCHITECTURE_SETTINGS = [
  'TASKHUB_NAME',
  'ACS_ENDPOINT',
  'ACS_IMMUTABLE_RESOURCE_ID',
  'ACS_CALLBACK_ISSUER',
  'ACS_CALLBACK_JWKS_URL',
  'CALLBACK_BASE_URL',
  'COGNITIVE_SERVICES_ENDPOINT',
  'MEDIA_BRIDGE_URL',
  'INSIGHTS_PROVIDER',
  'LANGUAGE_ENDPOINT',
  'SPEECH_ENDPOINT',
  'FLOWS_PATH',
];

// What the Event Grid functions subscribe to (functions/*.ts app.eventGrid names; docs/architecture.md).
const EVENT_GRID_FUNCTIONS: Record<string, string[]> = {
  incomingCall: ['Microsoft.Communication.IncomingCall'],
  recordingFileStatusUpdated: ['Microsoft.Communication.RecordingFileStatusUpdated'],
  smsReceived: ['Microsoft.Communication.SMSReceived', 'Microsoft.Communication.SMSDeliveryReportReceived'],
  chatMessageReceived: ['Microsoft.Communication.ChatMessageReceivedInThread'],
  advancedMessageReceived: [
    'Microsoft.Communication.AdvancedMessageReceived',
    'Microsoft.Communication.AdvancedMessageDeliveryStatusUpdated',
  ],
};

/** The `{ function: 'name', ... }` entry of the subscriptions list in event-subscriptions.bicep. */
function subscriptionEntry(name: string): string {
  const at = subscriptionsModule.indexOf(`function: '${name}'`);
  assert.ok(at >= 0, `event-subscriptions.bicep has no subscription for ${name}`);
  const start = subscriptionsModule.lastIndexOf('{', at);
  return blockAfter(subscriptionsModule, start);
}

/** Event Grid functions registered under functions/ (one per file: app.eventGrid('name', ...)). */
function registeredEventGridFunctions(): string[] {
  return filesUnder('functions')
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) => [...read(file).matchAll(/app\.eventGrid\(\s*'(\w+)'/g)].map((m) => m[1]));
}

/** Runs the postdeploy hook with a fake `azd` on PATH that records its arguments. */
function runPostdeployHook(
  env: Record<string, string>,
  provisionExitCode = 0,
): { status: number | null; calls: string[]; output: string } {
  const bin = mkdtempSync(join(tmpdir(), 'fake-azd-'));
  const log = join(bin, 'calls.log');
  writeFileSync(
    join(bin, 'azd'),
    `#!/bin/sh\necho "$*" >> '${log}'\n[ "$1" = provision ] && exit ${provisionExitCode}\nexit 0\n`,
  );
  chmodSync(join(bin, 'azd'), 0o755);
  try {
    const result = spawnSync('sh', ['infra/hooks/enable-event-subscriptions.sh'], {
      cwd: root,
      env: { PATH: `${bin}:${process.env.PATH ?? ''}`, EVENT_SUBSCRIPTIONS_RETRY_SECONDS: '0', ...env },
      encoding: 'utf8',
    });
    const calls = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
    return { status: result.status, calls, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

const COGNITIVE_SERVICES_USER = 'a97b65f3-24c7-4388-baec-2e87135dc908';

describe('azd infrastructure', () => {
  describe('app settings', () => {
    it('sets every app setting docs/architecture.md names on the function app', () => {
      const names = appSettingNames();
      const missing = ARCHITECTURE_SETTINGS.filter((name) => !names.includes(name));
      assert.deepEqual(missing, [], `missing from function-app.bicep appsettings: ${missing.join(', ')}`);
    });

    it('connects host storage with the managed identity instead of a connection string', () => {
      const names = appSettingNames();
      for (const name of [
        'AzureWebJobsStorage__accountName',
        'AzureWebJobsStorage__credential',
        'AzureWebJobsStorage__clientId',
      ]) {
        assert.ok(names.includes(name), `${name} is missing`);
      }
      assert.ok(
        !names.includes('AzureWebJobsStorage'),
        'AzureWebJobsStorage (a connection string) must not be set in Azure',
      );
      assert.match(functionApp, /AzureWebJobsStorage__credential:\s*'managedidentity'/);
    });

    it('names the user-assigned identity for DefaultAzureCredential and Application Insights', () => {
      const names = appSettingNames();
      assert.ok(
        names.includes('AZURE_CLIENT_ID'),
        'AZURE_CLIENT_ID is missing: DefaultAzureCredential would not find the identity',
      );
      assert.match(functionApp, /AZURE_CLIENT_ID:\s*identityClientId/);
      assert.match(
        functionApp,
        /APPLICATIONINSIGHTS_AUTHENTICATION_STRING:\s*'ClientId=\$\{identityClientId\};Authorization=AAD'/,
      );
    });

    it('covers every setting in local.settings.sample.json, so local and Azure stay in step', () => {
      const sample = JSON.parse(read('local.settings.sample.json')) as { Values: Record<string, string> };
      // The worker runtime comes from functionAppConfig on Flex Consumption; AzureWebJobsStorage is identity-based.
      const expected = Object.keys(sample.Values).filter(
        (name) => !['FUNCTIONS_WORKER_RUNTIME', 'AzureWebJobsStorage'].includes(name),
      );
      const names = appSettingNames();
      const missing = expected.filter((name) => !names.includes(name));
      assert.deepEqual(missing, [], `in local.settings.sample.json but not in Azure: ${missing.join(', ')}`);
    });

    it('never sets the ACS connection string or the settings Flex Consumption rejects', () => {
      const names = appSettingNames();
      for (const name of ['ACS_CONNECTION_STRING', 'FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION']) {
        assert.ok(!names.includes(name), `${name} must not be an app setting in Azure`);
      }
    });

    it('points callbacks at the deployed host over https and runs insights on Azure AI', () => {
      assert.match(functionApp, /CALLBACK_BASE_URL:\s*'https:\/\/\$\{functionApp\.properties\.defaultHostName\}'/);
      assert.match(functionApp, /INSIGHTS_PROVIDER:\s*'azure'/);
      assert.match(functionApp, /FLOWS_PATH:\s*'flows'/);
      assert.match(communication, /immutableResourceId string = acs\.properties\.immutableResourceId/);
    });
  });

  describe('no keys anywhere', () => {
    const files = ['azure.yaml', ...filesUnder('infra')];

    it('never reads or writes an access key, SAS or connection string', () => {
      // The App Insights connection string is an identifier, not a secret (its local auth is disabled).
      const allowed =
        /APPLICATIONINSIGHTS_CONNECTION_STRING|applicationInsightsConnectionString|applicationInsights\.properties\.ConnectionString/g;
      const forbidden = [
        /listKeys\s*\(/i,
        /list[A-Za-z]*Keys\b/i,
        /connection_?string/i,
        /AccountKey/i,
        /SharedAccessSignature/i,
        /accesskey\s*=/i,
      ];
      for (const file of files) {
        const text = read(file).replace(allowed, '');
        for (const pattern of forbidden) {
          assert.doesNotMatch(text, pattern, `${relative(root, join(root, file))} matches ${pattern}`);
        }
      }
    });

    it('turns local (key) auth off on storage, Application Insights and Azure AI', () => {
      assert.match(storage, /allowSharedKeyAccess:\s*false/);
      assert.match(read('infra/modules/monitoring.bicep'), /DisableLocalAuth:\s*true/);
      assert.match(read('infra/modules/ai-services.bicep'), /disableLocalAuth:\s*true/);
    });
  });

  describe('azd wiring', () => {
    it('declares the api service as a TypeScript function app and the tag azd deploys to', () => {
      const azureYaml = parseYaml(read('azure.yaml')) as {
        name: string;
        services: Record<string, Record<string, string>>;
      };
      assert.equal(azureYaml.name, 'switchboard');
      assert.deepEqual(Object.keys(azureYaml.services), ['api', 'bridge']);
      assert.equal(azureYaml.services.api.language, 'ts');
      assert.equal(azureYaml.services.api.host, 'function');
      assert.equal(azureYaml.services.api.project, '.');
      assert.match(functionApp, /'azd-service-name':\s*serviceName/);
      assert.match(functionApp, /param serviceName string = 'api'/);
    });

    it('deploys the media bridge as a container app with its own identity, always one replica, wss:// wired to the app', () => {
      const azureYaml = parseYaml(read('azure.yaml')) as { services: Record<string, Record<string, unknown>> };
      assert.equal(azureYaml.services.bridge.host, 'containerapp');
      assert.deepEqual(azureYaml.services.bridge.docker, { path: './bridge/Dockerfile', context: '.' });
      const bridge = read('infra/modules/bridge.bicep');
      assert.match(bridge, /param serviceName string = 'bridge'/);
      assert.match(bridge, /userAssignedIdentities@/);
      assert.match(bridge, /cognitiveServicesUser/);
      assert.match(bridge, /minReplicas: 1/);
      assert.match(bridge, /concurrentRequests/);
      assert.match(
        read('infra/main.bicep'),
        /mediaBridgeUrl: !empty\(mediaBridgeUrl\) \? mediaBridgeUrl : bridge\.outputs\.url/,
      );
    });

    it('fills main.parameters.json only from variables azd provides or that carry a default', () => {
      const azdProvides = ['AZURE_ENV_NAME', 'AZURE_LOCATION', 'AZURE_PRINCIPAL_ID', 'AZURE_SUBSCRIPTION_ID'];
      const parameters = read('infra/main.parameters.json');
      const references = [...parameters.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(=[^}]*)?\}/g)];
      assert.ok(references.length > 0);
      for (const [text, name, fallback] of references) {
        // An unset variable without a default reaches Bicep as an empty string: only azd's own are safe.
        assert.ok(azdProvides.includes(name) || fallback !== undefined, `${text} is neither set by azd nor defaulted`);
      }
      for (const name of ['AZURE_ENV_NAME', 'AZURE_LOCATION', 'AZURE_PRINCIPAL_ID']) {
        assert.ok(parameters.includes(`\${${name}}`), `${name} is not passed to main.bicep`);
      }
    });

    it('passes only parameters main.bicep declares, and every required one', () => {
      const passed = Object.keys((JSON.parse(read('infra/main.parameters.json')) as { parameters: object }).parameters);
      const declared = [...mainBicep.matchAll(/^param (\w+) (\w+)( = .*)?$/gm)];
      for (const name of passed) {
        assert.ok(
          declared.some((d) => d[1] === name),
          `main.parameters.json passes ${name}, which main.bicep does not declare`,
        );
      }
      for (const [, name, , fallback] of declared) {
        if (fallback === undefined)
          assert.ok(passed.includes(name), `main.bicep requires ${name} but main.parameters.json does not pass it`);
      }
    });

    it('creates the resource group rg-<environment> with a subscription-scoped main.bicep', () => {
      assert.match(mainBicep, /^targetScope = 'subscription'$/m);
      assert.match(read('infra/abbreviations.json'), /"resourcesResourceGroups":\s*"rg-"/);
      assert.match(mainBicep, /name: '\$\{abbrs\.resourcesResourceGroups\}\$\{environmentName\}'/);
      assert.match(
        mainBicep,
        /resourceToken = toLower\(uniqueString\(subscription\(\)\.id, environmentName, location\)\)/,
      );
    });

    it('finds every module main.bicep references', () => {
      const modules = [...mainBicep.matchAll(/^module \w+ '([^']+)'/gm)].map((m) => m[1]);
      assert.ok(modules.length >= 8);
      for (const path of modules) assert.ok(existsSync(join(root, 'infra', path)), `infra/${path} does not exist`);
    });

    it('outputs UPPER_SNAKE names, including the ones scripts and the README rely on', () => {
      const outputs = [...mainBicep.matchAll(/^output (\w+) /gm)].map((m) => m[1]);
      for (const name of outputs) assert.match(name, /^[A-Z][A-Z0-9_]*$/, `output ${name} is not UPPER_SNAKE`);
      for (const name of [
        'AZURE_FUNCTION_APP_NAME',
        'AZURE_FUNCTION_URL',
        'ACS_ENDPOINT',
        'AI_ENDPOINT',
        'STORAGE_ACCOUNT_NAME',
        'APPLICATIONINSIGHTS_CONNECTION_STRING',
      ]) {
        assert.ok(outputs.includes(name), `output ${name} is missing`);
      }
    });
  });

  describe('Flex Consumption', () => {
    it('runs Node 20 on FC1 with 2048 MB instances and a warm instance for incomingCall', () => {
      assert.match(functionApp, /tier:\s*'FlexConsumption'/);
      assert.match(functionApp, /name:\s*'FC1'/);
      const runtime = blockAfter(functionApp, functionApp.indexOf('runtime:'));
      assert.match(runtime, /name:\s*'node'/);
      assert.match(runtime, /version:\s*'20'/);
      assert.match(functionApp, /instanceMemoryMB:\s*2048/);
      assert.match(functionApp, /name:\s*'function:incomingCall'/);
    });

    it('pulls the deployment package with the user-assigned identity', () => {
      const deployment = blockAfter(functionApp, functionApp.indexOf('deployment:'));
      assert.match(deployment, /type:\s*'blobContainer'/);
      assert.match(deployment, /type:\s*'UserAssignedIdentity'/);
      assert.match(deployment, /userAssignedIdentityResourceId:\s*identityId/);
    });
  });

  describe('storage', () => {
    it('creates every blob container docs/architecture.md names', () => {
      for (const container of ['recordings', 'transcripts', 'chat-exports', 'summaries', 'deadletter']) {
        assert.match(storage, new RegExp(`^\\s*'${container}'$`, 'm'), `container ${container} is missing`);
      }
    });

    it('requires TLS 1.2 and keeps blobs private', () => {
      assert.match(storage, /minimumTlsVersion:\s*'TLS1_2'/);
      assert.match(storage, /allowBlobPublicAccess:\s*false/);
      assert.doesNotMatch(storage, /publicAccess:\s*'(Blob|Container)'/);
    });
  });

  describe('Event Grid', () => {
    for (const [name, eventTypes] of Object.entries(EVENT_GRID_FUNCTIONS)) {
      it(`subscribes ${name} to ${eventTypes.join(' and ')}`, () => {
        const entry = subscriptionEntry(name);
        for (const eventType of eventTypes)
          assert.ok(entry.includes(`'${eventType}'`), `${name} does not receive ${eventType}`);
      });
    }

    it('subscribes every Event Grid function the app registers', () => {
      const registered = registeredEventGridFunctions();
      assert.ok(registered.includes('incomingCall'));
      for (const name of registered)
        assert.ok(name in EVENT_GRID_FUNCTIONS, `functions/ registers ${name} but nothing subscribes it`);
    });

    it('defaults to every Event Grid function when EVENT_GRID_FUNCTIONS is unset', () => {
      const all = Object.keys(EVENT_GRID_FUNCTIONS).join(',');
      assert.ok(read('infra/main.parameters.json').includes(`\${EVENT_GRID_FUNCTIONS=${all}}`));
      assert.match(mainBicep, new RegExp(`param eventGridFunctions string = '${all}'`));
    });

    it('delivers to the functions by resource id with the AzureFunction endpoint type', () => {
      assert.match(subscriptionsModule, /endpointType:\s*'AzureFunction'/);
      assert.match(subscriptionsModule, /resourceId:\s*'\$\{functionApp\.id\}\/functions\/\$\{sub\.function\}'/);
      assert.match(subscriptionsModule, /name:\s*sub\.function/);
    });

    it('gives up on an IncomingCall after two attempts within a minute, as the caller stops ringing', () => {
      const entry = subscriptionEntry('incomingCall');
      assert.match(entry, /maxDeliveryAttempts:\s*2\b/);
      assert.match(entry, /eventTimeToLiveInMinutes:\s*1\b/);
    });

    it('puts the system topic on the ACS resource', () => {
      const eventGrid = read('infra/modules/event-grid.bicep');
      assert.match(eventGrid, /topicType:\s*'Microsoft\.Communication\.CommunicationServices'/);
      assert.match(eventGrid, /source:\s*communicationServiceId/);
    });

    it('creates the subscriptions only in phase two, which the postdeploy hook runs', () => {
      assert.match(mainBicep, /^module \w+ 'modules\/event-subscriptions\.bicep' = if \(deployEventSubscriptions\)/m);
      assert.match(mainBicep, /^param deployEventSubscriptions bool = false$/m);
      const azureYaml = parseYaml(read('azure.yaml')) as { hooks: Record<string, Record<string, { run: string }>> };
      const hook = azureYaml.hooks.postdeploy;
      for (const [os, script] of [
        ['posix', 'infra/hooks/enable-event-subscriptions.sh'],
        ['windows', 'infra/hooks/enable-event-subscriptions.ps1'],
      ]) {
        assert.equal(hook[os].run, `./${script}`);
        const text = read(script);
        assert.match(text, /azd env set DEPLOY_EVENT_SUBSCRIPTIONS true/);
        assert.match(text, /azd provision --no-prompt/);
      }
      assert.match(azureYaml.hooks.postdown.posix.run, /azd env set DEPLOY_EVENT_SUBSCRIPTIONS false/);
    });

    describe('the postdeploy hook', { skip: process.platform === 'win32' && 'the sh hook runs on POSIX only' }, () => {
      const registered = [...new Set(registeredEventGridFunctions())].sort().join(',');

      it('after the first deploy, subscribes the Event Grid functions the code registers and provisions again', () => {
        const run = runPostdeployHook({});
        assert.equal(run.status, 0, run.output);
        assert.deepEqual(run.calls, [
          `env set EVENT_GRID_FUNCTIONS ${registered}`,
          'env set DEPLOY_EVENT_SUBSCRIPTIONS true',
          'provision --no-prompt',
        ]);
      });

      it('does nothing when the subscriptions already match the deployed functions', () => {
        const run = runPostdeployHook({ DEPLOY_EVENT_SUBSCRIPTIONS: 'true', EVENT_GRID_FUNCTIONS: registered });
        assert.equal(run.status, 0, run.output);
        assert.deepEqual(run.calls, []);
      });

      it('provisions again when the deployed code registers a function that has no subscription yet', () => {
        const run = runPostdeployHook({
          DEPLOY_EVENT_SUBSCRIPTIONS: 'true',
          EVENT_GRID_FUNCTIONS: 'incomingCall,retiredFunction',
        });
        assert.equal(run.status, 0, run.output);
        assert.deepEqual(run.calls.slice(-1), ['provision --no-prompt']);
      });

      it('falls back to phase one when provisioning keeps failing, so the next azd up can still deploy a fix', () => {
        const run = runPostdeployHook({}, 1);
        assert.equal(run.status, 1);
        assert.equal(run.calls.filter((call) => call === 'provision --no-prompt').length, 3);
        assert.equal(run.calls.at(-1), 'env set DEPLOY_EVENT_SUBSCRIPTIONS false');
        assert.match(run.output, /Could not create the Event Grid subscriptions/);
      });
    });
  });

  describe('identities and roles', () => {
    it("gives the ACS resource's system-assigned identity Cognitive Services User on the AI account", () => {
      assert.match(communication, /type:\s*'SystemAssigned'/);
      assert.match(communication, new RegExp(`cognitiveServicesUserRoleId = '${COGNITIVE_SERVICES_USER}'`));
      const at = communication.indexOf("'Microsoft.Authorization/roleAssignments@");
      assert.ok(at >= 0, 'communication.bicep assigns no role');
      const assignment = blockAfter(communication, at);
      assert.match(assignment, /principalId:\s*acs\.identity\.principalId/);
      assert.match(assignment, /scope:\s*ai\b/);
      assert.match(assignment, /roleDefinitions', cognitiveServicesUserRoleId\)/);
    });

    it('names every role assignment guid(scope, principal, role)', () => {
      for (const file of filesUnder('infra/modules').filter((f) => f.endsWith('.bicep'))) {
        const text = read(file);
        for (const match of text.matchAll(/'Microsoft\.Authorization\/roleAssignments@[^']+' = /g)) {
          const name = /name:\s*(.*)/.exec(text.slice(match.index))?.[1] ?? '';
          assert.match(name, /^guid\(\w+\.id, [\w.]+, [\w.]+\)/, `${file}: role assignment named ${name}`);
        }
      }
    });

    it('grants the app identity its data roles, and the developer the same ones when a principal id is given', () => {
      for (const roleId of [
        'b7e6dc6d-f1e8-4753-8033-0f276bb0955b', // Storage Blob Data Owner
        '974c5e8b-45b9-4653-ba55-5f855dd0fb88', // Storage Queue Data Contributor
        '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3', // Storage Table Data Contributor
        COGNITIVE_SERVICES_USER,
        '3913510d-42f4-4e42-8a64-420c390055eb', // Monitoring Metrics Publisher
        '09976791-48a7-449e-bb21-39d1a415f350', // Communication and Email Service Owner
      ]) {
        assert.ok(roleAssignments.includes(`'${roleId}'`), `role-assignments.bicep does not grant ${roleId}`);
      }
      assert.doesNotMatch(
        roleAssignments,
        /b24988ac-6180-42a0-ab88-20f7382dd24c/,
        'Contributor is broader than the app needs',
      );
      assert.match(mainBicep, /principalId: identity\.outputs\.principalId/);
      assert.match(
        mainBicep,
        /module developerRoles 'modules\/role-assignments\.bicep' = if \(!empty\(principalId\)\)/,
      );
    });
  });
});
