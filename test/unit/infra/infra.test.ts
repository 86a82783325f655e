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
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { at, compiledTemplate, type ArmResource, type ArmTemplate } from './armTemplate';

// The azd infrastructure as Azure receives it: infra/main.bicep compiled to ARM JSON by the Bicep CLI
// (from NuGet; npm run infra:check). These are the contracts a person could break without noticing until
// a deployment (or a call) fails.

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

const compiled = compiledTemplate(root);
const main: ArmTemplate = compiled.template ?? { resources: [], parameters: {}, outputs: {} };

/** The template of the module deployed as `name` (Bicep's module name). */
function moduleTemplate(name: string): ArmTemplate {
  const deployment = main.resources.find((r) => r.type === 'Microsoft.Resources/deployments' && r.name === name);
  assert.ok(deployment, `main.bicep deploys no module named ${name}`);
  return deployment.properties.template as ArmTemplate;
}

/** Every resource of `type` in the module `name`. */
function resources(module: string, type: string): ArmResource[] {
  return moduleTemplate(module).resources.filter((r) => r.type === type);
}

function single(module: string, type: string): ArmResource {
  const found = resources(module, type);
  assert.equal(found.length, 1, `${module} has ${found.length} ${type}`);
  return found[0];
}

const appSettings = (): Record<string, string> =>
  single('function-app', 'Microsoft.Web/sites/config').properties as Record<string, string>;
const site = () => single('function-app', 'Microsoft.Web/sites');
const variable = (module: string, name: string): unknown => (moduleTemplate(module).variables ?? {})[name];
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

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
  'API_AUTH_TENANT_ID',
  'API_AUTH_CLIENT_ID',
  'API_AUTH_AUDIENCE',
  'OUTBOUND_ALLOWED_PREFIXES',
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

/** Event Grid functions registered under functions/ (one per file: app.eventGrid('name', ...)). */
function registeredEventGridFunctions(): string[] {
  return filesUnder('packages/app/functions')
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) => [...read(file).matchAll(/app\.eventGrid\(\s*'(\w+)'/g)].map((m) => m[1]));
}

/** Blob triggers under functions/: name, container and source. */
function registeredBlobTriggers(): { name: string; container: string; source?: string }[] {
  return filesUnder('packages/app/functions')
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) =>
      [...read(file).matchAll(/app\.storageBlob\(\s*'(\w+)',\s*\{([\s\S]*?)handler:/g)].map((m) => ({
        name: m[1],
        container: /path:\s*'([^/']+)\//.exec(m[2])?.[1] ?? '',
        source: /source:\s*'(\w+)'/.exec(m[2])?.[1],
      })),
    );
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
const STORAGE_BLOB_DATA_CONTRIBUTOR = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe';
const roleIn = (assignment: ArmResource): string => String(assignment.properties.roleDefinitionId);

describe('azd infrastructure, compiled to ARM JSON', { skip: compiled.skip }, () => {
  describe('app settings', () => {
    it('sets every app setting docs/architecture.md names on the function app', () => {
      const missing = ARCHITECTURE_SETTINGS.filter((name) => !(name in appSettings()));
      assert.deepEqual(missing, [], `missing from the function app's appsettings: ${missing.join(', ')}`);
    });

    it('connects host storage with the managed identity instead of a connection string', () => {
      const settings = appSettings();
      for (const name of ['AzureWebJobsStorage__accountName', 'AzureWebJobsStorage__clientId'])
        assert.ok(name in settings, `${name} is missing`);
      assert.equal(settings.AzureWebJobsStorage__credential, 'managedidentity');
      assert.ok(!('AzureWebJobsStorage' in settings), 'AzureWebJobsStorage (a connection string) must not be set');
    });

    it('names the user-assigned identity for DefaultAzureCredential and Application Insights', () => {
      const settings = appSettings();
      assert.equal(settings.AZURE_CLIENT_ID, "[parameters('identityClientId')]");
      assert.equal(
        settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING,
        "[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]",
      );
    });

    it('covers every setting in local.settings.sample.json, so local and Azure stay in step', () => {
      const sample = JSON.parse(read('packages/app/local.settings.sample.json')) as { Values: Record<string, string> };
      const expected = Object.keys(sample.Values).filter(
        (name) => !['FUNCTIONS_WORKER_RUNTIME', 'AzureWebJobsStorage'].includes(name),
      );
      const missing = expected.filter((name) => !(name in appSettings()));
      assert.deepEqual(missing, [], `in local.settings.sample.json but not in Azure: ${missing.join(', ')}`);
    });

    it('never sets the ACS connection string or the settings Flex Consumption rejects', () => {
      for (const name of ['ACS_CONNECTION_STRING', 'FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION'])
        assert.ok(!(name in appSettings()), `${name} must not be an app setting in Azure`);
    });

    it('points callbacks at the deployed host over https and runs insights on Azure AI', () => {
      const settings = appSettings();
      assert.match(
        settings.CALLBACK_BASE_URL,
        /^\[format\('https:\/\/\{0\}', reference\(resourceId\('Microsoft\.Web\/sites'/,
      );
      assert.equal(settings.INSIGHTS_PROVIDER, 'azure');
      assert.equal(settings.FLOWS_PATH, 'flows');
    });

    it('accepts API tokens only from the deploying tenant, for the API app registration, to allowed destinations', () => {
      const settings = appSettings();
      assert.equal(settings.API_AUTH_TENANT_ID, "[parameters('apiAuthTenantId')]");
      const fn = main.resources.find((r) => r.name === 'function-app');
      assert.equal(at(fn, 'properties.parameters.apiAuthTenantId.value'), "[parameters('apiAuthTenantId')]");
      assert.equal(main.parameters.apiAuthTenantId.defaultValue, '[tenant().tenantId]');
      assert.equal(settings.API_AUTH_CLIENT_ID, "[parameters('apiAuthClientId')]");
      assert.equal(settings.API_AUTH_AUDIENCE, "[parameters('apiAuthAudience')]");
      // The App ID URI defaults to api://{client id}, the form Entra's identifier URI policy always allows.
      assert.match(JSON.stringify(at(fn, 'properties.parameters.apiAuthAudience')), /api:\/\/\{0\}.*apiAuthClientId/);
      assert.equal(main.parameters.apiAuthClientId.defaultValue, undefined, 'azd asks for it when it is not set');
      const mapped = JSON.parse(read('infra/main.parameters.json')) as {
        parameters: Record<string, { value: string }>;
      };
      assert.equal(mapped.parameters.apiAuthClientId.value, '${API_AUTH_CLIENT_ID}');
      assert.equal(mapped.parameters.apiAuthAudience.value, '${API_AUTH_AUDIENCE=}');
      assert.ok(!('API_AUTH_JWKS_URL' in settings), "Azure uses the tenant's own keys");
      assert.equal(main.parameters.outboundAllowedPrefixes.defaultValue, '+1');
    });
  });

  describe('no keys anywhere', () => {
    it('reads no key except the blob extension key, and that only into the blob webhook subscriptions', () => {
      const text = JSON.stringify(main);
      const listKeys = [...text.matchAll(/listKeys\([^)]*\)[^\]]*/g)].map((m) => m[0]);
      assert.ok(
        listKeys.length > 0 && listKeys.every((call) => call.includes('systemKeys.blobs_extension')),
        listKeys.join('\n'),
      );
      const usedIn = resources('event-subscriptions', 'Microsoft.EventGrid/systemTopics/eventSubscriptions').filter(
        (r) => JSON.stringify(r).includes('listKeys('),
      );
      assert.equal(usedIn.length, 1, 'only the blob subscriptions read a key');
      assert.equal(at(usedIn[0], 'properties.destination.endpointType'), 'WebHook');
      // The App Insights connection string is an identifier, not a secret (ingestion needs Entra: local auth is off).
      for (const [name, output] of Object.entries(main.outputs))
        if (name !== 'APPLICATIONINSIGHTS_CONNECTION_STRING')
          assert.doesNotMatch(JSON.stringify(output.value), /listKeys|listSecrets|connectionString/i, `output ${name}`);
      for (const file of ['azure.yaml', ...filesUnder('infra').filter((f) => !f.endsWith('.bicep'))])
        assert.doesNotMatch(read(file), /AccountKey=|SharedAccessSignature|accesskey=/i, file);
    });

    it('turns local (key) auth off on storage, Application Insights, Azure AI and ACS', () => {
      assert.equal(
        at(single('storage', 'Microsoft.Storage/storageAccounts'), 'properties.allowSharedKeyAccess'),
        false,
      );
      assert.equal(at(single('monitoring', 'Microsoft.Insights/components'), 'properties.DisableLocalAuth'), true);
      assert.equal(
        at(single('ai-services', 'Microsoft.CognitiveServices/accounts'), 'properties.disableLocalAuth'),
        true,
      );
      const acs = single('communication', 'Microsoft.Communication/communicationServices');
      assert.equal(at(acs, 'properties.disableLocalAuth'), true);
      assert.ok(acs.apiVersion >= '2025-05-01', `ACS API ${acs.apiVersion} predates disableLocalAuth`);
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
      assert.equal(azureYaml.services.api.project, './packages/app');
      assert.match(JSON.stringify(site()), /azd-service-name/);
      assert.equal(moduleTemplate('function-app').parameters.serviceName.defaultValue, 'api');
    });

    it('deploys the media bridge as a container app with its own identity, always one replica, wss:// wired to the app', () => {
      const azureYaml = parseYaml(read('azure.yaml')) as { services: Record<string, Record<string, unknown>> };
      assert.equal(azureYaml.services.bridge.host, 'containerapp');
      assert.equal(azureYaml.services.bridge.project, './packages/bridge');
      assert.deepEqual(
        { ...(azureYaml.services.bridge.docker as object), remoteBuild: undefined },
        { path: './Dockerfile', context: '../..', remoteBuild: undefined },
      );
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

    it('fills main.parameters.json only from variables azd provides, that carry a default, or only the user has', () => {
      const azdProvides = ['AZURE_ENV_NAME', 'AZURE_LOCATION', 'AZURE_PRINCIPAL_ID', 'AZURE_SUBSCRIPTION_ID'];
      // The API's app registration is made before azd up (docs/deploy.md); unset, azd asks for it by name.
      const userProvides = ['API_AUTH_CLIENT_ID'];
      const parameters = read('infra/main.parameters.json');
      const references = [...parameters.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(=[^}]*)?\}/g)];
      assert.ok(references.length > 0);
      for (const [text, name, fallback] of references)
        assert.ok(
          azdProvides.includes(name) || userProvides.includes(name) || fallback !== undefined,
          `${text} is neither set by azd nor defaulted`,
        );
    });

    it('passes only parameters main.bicep declares, and every required one', () => {
      const passed = Object.keys((JSON.parse(read('infra/main.parameters.json')) as { parameters: object }).parameters);
      for (const name of passed) assert.ok(name in main.parameters, `main.parameters.json passes undeclared ${name}`);
      for (const [name, declared] of Object.entries(main.parameters))
        if (!('defaultValue' in declared)) assert.ok(passed.includes(name), `main.bicep requires ${name}`);
    });

    it('creates the resource group rg-<environment> in a region with every service it uses', () => {
      assert.match(String(at(main, '$schema')), /subscriptionDeploymentTemplate/);
      const rg = main.resources.find((r) => r.type === 'Microsoft.Resources/resourceGroups');
      assert.match(String(rg?.name), /resourcesResourceGroups, parameters\('environmentName'\)/);
      // Which regions: parameters.test.ts, against the docs' region tables.
      assert.ok((main.parameters.location.allowedValues ?? []).length > 0);
    });

    it('outputs UPPER_SNAKE names, including the ones scripts and the README rely on', () => {
      const outputs = Object.keys(main.outputs);
      for (const name of outputs) assert.match(name, /^[A-Z][A-Z0-9_]*$/, `output ${name} is not UPPER_SNAKE`);
      for (const name of [
        'AZURE_FUNCTION_APP_NAME',
        'AZURE_FUNCTION_URL',
        'ACS_ENDPOINT',
        'AI_ENDPOINT',
        'STORAGE_ACCOUNT_NAME',
        'APPLICATIONINSIGHTS_CONNECTION_STRING',
      ])
        assert.ok(outputs.includes(name), `output ${name} is missing`);
    });
  });

  describe('Flex Consumption', () => {
    it('runs Node 22 on FC1 with 2048 MB instances, within the 1000-instance ceiling', () => {
      const plan = single('function-app', 'Microsoft.Web/serverfarms');
      assert.match(JSON.stringify(plan), /"tier":"FlexConsumption"/);
      assert.match(JSON.stringify(plan), /"name":"FC1"/);
      const config = site().properties.functionAppConfig;
      assert.deepEqual(at(config, 'runtime'), { name: 'node', version: '22' });
      assert.equal(at(config, 'scaleAndConcurrency.instanceMemoryMB'), 2048);
      assert.equal(main.parameters.maximumInstanceCount.maxValue, 1000);
    });

    it('keeps instances always ready for incomingCall and the http and durable groups', () => {
      const ready = asArray(at(site().properties.functionAppConfig, 'scaleAndConcurrency.alwaysReady')).map((r) =>
        at(r, 'name'),
      );
      assert.deepEqual(ready, ['function:incomingCall', 'http', 'durable']);
      for (const name of ['incomingCallAlwaysReady', 'httpAlwaysReady', 'durableAlwaysReady'])
        assert.equal(main.parameters[name].defaultValue, 1, name);
    });

    it('pulls the deployment package with the user-assigned identity', () => {
      const storage = at(site().properties.functionAppConfig, 'deployment.storage');
      assert.equal(at(storage, 'type'), 'blobContainer');
      assert.equal(at(storage, 'authentication.type'), 'UserAssignedIdentity');
      assert.equal(at(storage, 'authentication.userAssignedIdentityResourceId'), "[parameters('identityId')]");
    });
  });

  describe('storage', () => {
    it('creates every blob container docs/architecture.md names', () => {
      const containers = asArray(variable('storage', 'dataContainers'));
      for (const container of [
        'recordings',
        'transcripts',
        'chat-exports',
        'summaries',
        'deadletter',
        'messaging-media',
      ])
        assert.ok(containers.includes(container), `container ${container} is missing`);
    });

    it('requires TLS 1.2 and keeps blobs private', () => {
      const account = single('storage', 'Microsoft.Storage/storageAccounts');
      assert.equal(at(account, 'properties.minimumTlsVersion'), 'TLS1_2');
      assert.equal(at(account, 'properties.allowBlobPublicAccess'), false);
      for (const container of resources('storage', 'Microsoft.Storage/storageAccounts/blobServices/containers'))
        assert.equal(at(container, 'properties.publicAccess'), 'None');
    });
  });

  describe('Event Grid', () => {
    const acsSubscriptions = () => asArray(variable('event-subscriptions', 'acsSubscriptions'));
    const entry = (name: string) => acsSubscriptions().find((s) => at(s, 'function') === name);

    for (const [name, eventTypes] of Object.entries(EVENT_GRID_FUNCTIONS)) {
      it(`subscribes ${name} to ${eventTypes.join(' and ')}`, () => {
        assert.deepEqual(at(entry(name), 'eventTypes'), eventTypes);
      });
    }

    it('subscribes every Event Grid function the app registers', () => {
      const registered = registeredEventGridFunctions();
      assert.ok(registered.includes('incomingCall'));
      for (const name of registered) assert.ok(entry(name), `functions/ registers ${name} but nothing subscribes it`);
    });

    it('defaults to every Event Grid function when EVENT_GRID_FUNCTIONS is unset', () => {
      const all = Object.keys(EVENT_GRID_FUNCTIONS).join(',');
      assert.ok(read('infra/main.parameters.json').includes(`\${EVENT_GRID_FUNCTIONS=${all}}`));
      assert.equal(main.parameters.eventGridFunctions.defaultValue, all);
    });

    it('delivers ACS events to the functions by resource id with the AzureFunction endpoint type', () => {
      const text = JSON.stringify(
        resources('event-subscriptions', 'Microsoft.EventGrid/systemTopics/eventSubscriptions'),
      );
      assert.match(text, /"endpointType":"AzureFunction"/);
      assert.match(text, /\/functions\/\{1\}', resourceId\('Microsoft\.Web\/sites'/);
    });

    it('gives up on an IncomingCall after two attempts within a minute, as the caller stops ringing', () => {
      assert.equal(at(entry('incomingCall'), 'maxDeliveryAttempts'), 2);
      assert.equal(at(entry('incomingCall'), 'eventTimeToLiveInMinutes'), 1);
    });

    it('puts one system topic with its own identity on the ACS resource and one on the storage account', () => {
      const acsTopic = single('event-grid', 'Microsoft.EventGrid/systemTopics');
      assert.equal(acsTopic.identity?.type, 'SystemAssigned');
      const deployments = main.resources.filter((r) => String(r.name).startsWith('event-grid'));
      const types = deployments.map((d) => at(d, 'properties.parameters.topicType.value')).sort();
      assert.deepEqual(types, ['Microsoft.Communication.CommunicationServices', 'Microsoft.Storage.StorageAccounts']);
    });

    it('sends BlobCreated for each Event Grid-sourced blob trigger to its blob extension webhook, filtered by its container', () => {
      const blobTriggers = registeredBlobTriggers();
      assert.equal(blobTriggers.length, 3);
      const subscriptions = asArray(variable('event-subscriptions', 'blobSubscriptions'));
      for (const trigger of blobTriggers) {
        assert.equal(
          trigger.source,
          'EventGrid',
          `${trigger.name} is not an Event Grid-based blob trigger (Flex runs no other)`,
        );
        const sub = subscriptions.find((s) => at(s, 'function') === trigger.name);
        assert.equal(at(sub, 'container'), trigger.container, `${trigger.name} watches ${trigger.container}`);
      }
      const blob = resources('event-subscriptions', 'Microsoft.EventGrid/systemTopics/eventSubscriptions').find((r) =>
        JSON.stringify(r).includes('WebHook'),
      );
      assert.match(
        String(at(blob, 'properties.destination.properties.endpointUrl')),
        /runtime\/webhooks\/blobs\?functionName=Host\.Functions\.\{1\}/,
      );
      assert.deepEqual(at(blob, 'properties.filter.includedEventTypes'), ['Microsoft.Storage.BlobCreated']);
      assert.match(
        String(at(blob, 'properties.filter.subjectBeginsWith')),
        /\/blobServices\/default\/containers\/\{0\}\/blobs\//,
      );
    });

    it('dead-letters every subscription into the deadletter container with the topic identity', () => {
      const subscriptions = resources('event-subscriptions', 'Microsoft.EventGrid/systemTopics/eventSubscriptions');
      assert.equal(subscriptions.length, 2);
      for (const sub of subscriptions)
        assert.equal(at(sub, 'properties.deadLetterWithResourceIdentity'), "[variables('deadLetter')]");
      const deadLetter = variable('event-subscriptions', 'deadLetter');
      assert.equal(at(deadLetter, 'identity.type'), 'SystemAssigned');
      assert.equal(at(deadLetter, 'deadLetterDestination.properties.blobContainerName'), 'deadletter');
      const roles = resources('dead-letter-roles', 'Microsoft.Authorization/roleAssignments');
      assert.ok(roles.every((r) => roleIn(r).includes("variables('storageBlobDataContributor')")));
      assert.equal(variable('dead-letter-roles', 'storageBlobDataContributor'), STORAGE_BLOB_DATA_CONTRIBUTOR);
      assert.match(
        JSON.stringify(roles),
        /blobServices\/containers', parameters\('storageAccountName'\), 'default', 'deadletter'/,
      );
    });

    it('creates the subscriptions only in phase two, which the postdeploy hook runs', () => {
      const phaseTwo = main.resources.find((r) => r.name === 'event-subscriptions');
      assert.equal(phaseTwo?.condition, "[parameters('deployEventSubscriptions')]");
      assert.equal(main.parameters.deployEventSubscriptions.defaultValue, false);
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

  describe('monitoring', () => {
    it('sends ACS logs and Event Grid delivery metrics to Log Analytics', () => {
      const settings = resources('observability', 'Microsoft.Insights/diagnosticSettings');
      assert.equal(settings.length, 2);
      for (const setting of settings) {
        assert.deepEqual(at(setting, 'properties.logs'), [{ categoryGroup: 'allLogs', enabled: true }]);
        assert.equal(at(setting, 'properties.workspaceId'), "[parameters('logAnalyticsId')]");
      }
    });

    it('alerts an action group on Event Grid drops and dead letters, failures, failed orchestrations and slow answers', () => {
      const group = single('observability', 'Microsoft.Insights/actionGroups');
      assert.match(JSON.stringify(group), /alertEmail/);
      // What each alert measures and when it fires: alerts.test.ts.
      const metricAlerts = JSON.stringify(resources('observability', 'Microsoft.Insights/metricAlerts'));
      assert.match(metricAlerts, /DroppedEventCount/);
      assert.match(metricAlerts, /DeadLetteredCount/);
      const queries = JSON.stringify(variable('observability', 'queryAlerts'));
      assert.match(queries, /success == false/);
      assert.match(queries, /prop__state.*Failed/);
      assert.match(queries, /call\.answer\.latency/);
    });

    it('deploys a workbook of answer latency, outcomes, failed callbacks, Event Grid failures and summaries', () => {
      const workbook = single('observability', 'Microsoft.Insights/workbooks');
      // loadTextContent('workbook.json') compiles to a template variable.
      const reference = /variables\('([^']+)'\)/.exec(String(at(workbook, 'properties.serializedData')))?.[1] ?? '';
      const data = String(variable('observability', reference));
      for (const needle of [
        'call.answer.latency',
        'calls.outcome',
        'callEvents',
        'DroppedEventCount',
        'DeadLetteredCount',
        'insights.latency',
      ])
        assert.ok(data.includes(needle), `the workbook does not show ${needle}`);
    });
  });

  describe('identities and roles', () => {
    it("gives the ACS resource's system-assigned identity Cognitive Services User on the AI account", () => {
      const acs = single('communication', 'Microsoft.Communication/communicationServices');
      assert.equal(acs.identity?.type, 'SystemAssigned');
      const assignment = single('communication', 'Microsoft.Authorization/roleAssignments');
      assert.match(roleIn(assignment), /cognitiveServicesUserRoleId/);
      assert.equal(variable('communication', 'cognitiveServicesUserRoleId'), COGNITIVE_SERVICES_USER);
      assert.match(
        String(assignment.properties.principalId),
        /Microsoft\.Communication\/communicationServices.*identity\.principalId/,
      );
    });

    it('names every role assignment guid(scope, principal, role)', () => {
      for (const deployment of main.resources.filter((r) => r.type === 'Microsoft.Resources/deployments'))
        for (const assignment of moduleTemplate(deployment.name).resources.filter(
          (r) => r.type === 'Microsoft.Authorization/roleAssignments',
        ))
          assert.match(assignment.name, /^\[guid\(/, `${deployment.name}: role assignment named ${assignment.name}`);
    });

    it('grants the app identity its data roles, and the developer the same ones when a principal id is given', () => {
      const roles = JSON.stringify(variable('role-assignments-app', 'roles'));
      for (const roleId of [
        'b7e6dc6d-f1e8-4753-8033-0f276bb0955b', // Storage Blob Data Owner
        '974c5e8b-45b9-4653-ba55-5f855dd0fb88', // Storage Queue Data Contributor
        '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3', // Storage Table Data Contributor
        COGNITIVE_SERVICES_USER,
        '3913510d-42f4-4e42-8a64-420c390055eb', // Monitoring Metrics Publisher
        '09976791-48a7-449e-bb21-39d1a415f350', // Communication and Email Service Owner
      ])
        assert.ok(roles.includes(roleId), `the app identity does not get ${roleId}`);
      assert.ok(!roles.includes('b24988ac-6180-42a0-ab88-20f7382dd24c'), 'Contributor is broader than the app needs');
      const developer = main.resources.find((r) => r.name === 'role-assignments-developer');
      assert.equal(developer?.condition, "[not(empty(parameters('principalId')))]");
    });
  });
});
