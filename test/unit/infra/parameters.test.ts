import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { at, compiledTemplate, moduleTemplate, type ArmTemplate } from './armTemplate';

// Every setting a user needs is an azd environment value: main.bicep takes it as a parameter,
// main.parameters.json fills that parameter from `azd env set NAME value`, docs/deploy.md lists it, and
// the function app (or the bridge) gets it from the parameter, so a provision never replaces it with a
// value the user did not choose. And `location` only offers regions where every service the template
// uses exists.

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'infra', 'main.bicep'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no infra/main.bicep above ${start}`);
  }
}

const root = findRoot(__dirname);
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const compiled = compiledTemplate(root);
const main: ArmTemplate = compiled.template ?? { resources: [], parameters: {}, outputs: {} };
const mapped = () =>
  (JSON.parse(read('infra/main.parameters.json')) as { parameters: Record<string, { value: string }> }).parameters;
const environmentValue = (parameter: string): string | undefined =>
  /^\$\{([A-Z][A-Z0-9_]*)(=[^}]*)?\}$/.exec(mapped()[parameter]?.value ?? '')?.[1];

// App setting (or bridge variable) -> the main.bicep parameter a user sets it with.
const APP_SETTINGS: Record<string, string> = {
  CHAT_BOT_USER_ID: 'chatBotUserId',
  CHAT_AGENT_USER_ID: 'chatAgentUserId',
  MEDIA_BRIDGE_URL: 'mediaBridgeUrl',
  API_AUTH_TENANT_ID: 'apiAuthTenantId',
  API_AUTH_AUDIENCE: 'apiAuthAudience',
  OUTBOUND_ALLOWED_PREFIXES: 'outboundAllowedPrefixes',
  CALLS_PER_MINUTE_PER_CALLER: 'callsPerMinutePerCaller',
  CALLS_PER_MINUTE: 'callsPerMinute',
  CAMPAIGN_MAX_CONTACTS: 'campaignMaxContacts',
  RECORDINGS_DELETE_AFTER_DOWNLOAD: 'recordingsDeleteAfterDownload',
  MESSAGING_PROVIDER: 'messagingProvider',
  AZURE_OPENAI_ENDPOINT: 'openAiEndpoint',
  AZURE_OPENAI_CHAT_DEPLOYMENT: 'openAiChatDeployment',
  MESSAGING_CONVERSATION_TTL_MINUTES: 'conversationTtlMinutes',
  CALL_CONNECT_CHECK_SECONDS: 'callConnectCheckSeconds',
  CALL_CONNECT_TIMEOUT_SECONDS: 'callConnectTimeoutSeconds',
};
const BRIDGE_SETTINGS: Record<string, string> = {
  VOICELIVE_MODEL: 'voiceLiveModel',
  VOICELIVE_VOICE: 'voiceLiveVoice',
};
// Flex Consumption settings that are not app settings.
const PLAN_PARAMETERS = ['incomingCallAlwaysReady', 'httpAlwaysReady', 'durableAlwaysReady', 'maximumInstanceCount'];

/** The main.bicep parameter that `value` (an expression in a module) comes from through the module's `param`. */
function traced(module: string, value: unknown): string | undefined {
  const moduleParameter = /parameters\('(\w+)'\)/.exec(String(value))?.[1];
  if (!moduleParameter) return undefined;
  const deployment = main.resources.find((r) => r.name === module);
  // A conditional value compiles to an expression for the whole parameter: [if(..., createObject('value', ...))].
  const parameter = at(deployment, `properties.parameters.${moduleParameter}`);
  const passed = typeof parameter === 'string' ? parameter : String(at(parameter, 'value'));
  return /parameters\('(\w+)'\)/.exec(passed)?.[1];
}

describe('settings a user needs, as azd environment values', { skip: compiled.skip }, () => {
  it('fills every main.bicep parameter from an azd environment value in main.parameters.json', () => {
    const unmapped = Object.keys(main.parameters).filter((name) => !environmentValue(name));
    assert.deepEqual(unmapped, [], `azd cannot set: ${unmapped.join(', ')}`);
  });

  it('lists every environment value a user sets in docs/deploy.md', () => {
    const docs = read('docs/deploy.md');
    const azdOwn = ['AZURE_ENV_NAME', 'AZURE_PRINCIPAL_ID', 'SERVICE_BRIDGE_RESOURCE_EXISTS'];
    const missing = Object.keys(main.parameters)
      .map(environmentValue)
      .filter((name): name is string => !!name && !azdOwn.includes(name) && !docs.includes(`\`${name}\``));
    assert.deepEqual(missing, [], `docs/deploy.md does not list ${missing.join(', ')}`);
  });

  for (const [setting, parameter] of Object.entries(APP_SETTINGS))
    it(`sets the app setting ${setting} from the ${parameter} parameter on every provision`, () => {
      const settings = moduleTemplate(main, 'function-app').resources.find(
        (r) => r.type === 'Microsoft.Web/sites/config',
      )?.properties;
      assert.ok(settings && setting in settings, `${setting} is not an app setting`);
      assert.equal(traced('function-app', settings[setting]), parameter);
      assert.ok(environmentValue(parameter), `${parameter} has no azd environment value`);
    });

  for (const [variable, parameter] of Object.entries(BRIDGE_SETTINGS))
    it(`sets the bridge's ${variable} from the ${parameter} parameter`, () => {
      const app = moduleTemplate(main, 'bridge').resources.find((r) => r.type === 'Microsoft.App/containerApps');
      const env = (at(app, 'properties.template.containers.0.env') ?? []) as { name: string; value: string }[];
      assert.equal(traced('bridge', env.find((e) => e.name === variable)?.value), parameter);
      assert.ok(environmentValue(parameter), `${parameter} has no azd environment value`);
    });

  it('sizes the Flex Consumption plan from azd environment values', () => {
    for (const parameter of PLAN_PARAMETERS) assert.ok(environmentValue(parameter), parameter);
  });

  it("defaults the API's tenant to the deploying tenant unless API_AUTH_TENANT_ID says otherwise", () => {
    assert.equal(main.parameters.apiAuthTenantId.defaultValue, '[tenant().tenantId]');
    assert.equal(mapped().apiAuthTenantId.value, '${API_AUTH_TENANT_ID=}'); // empty: azd uses the default
  });
});

// Regions, from the docs' tables (checked when written; recheck before adding one):
// - Voice Live with the bridge's default model gpt-realtime: learn.microsoft.com/azure/ai-services/speech-service/regions
//   (Voice Live tab)
// - Fast transcription: the same page, Speech to text tab
// - Conversation summarization: learn.microsoft.com/azure/ai-services/language-service/summarization/region-support
// - Flex Consumption: `az functionapp list-flexconsumption-locations` (the Functions quickstart templates' list)
// - ACS and Azure AI: ACS's AI connection works wherever Speech does; every region below lies in a geography ACS
//   stores data in (learn.microsoft.com/azure/communication-services/concepts/privacy)
const VOICE_LIVE_GPT_REALTIME = [
  'australiaeast',
  'canadacentral',
  'canadaeast',
  'centralindia',
  'centralus',
  'eastus2',
  'francecentral',
  'southeastasia',
  'swedencentral',
  'uksouth',
  'westus2',
];
const FAST_TRANSCRIPTION = [
  'australiaeast',
  'brazilsouth',
  'canadacentral',
  'centralindia',
  'eastus',
  'eastus2',
  'francecentral',
  'germanywestcentral',
  'italynorth',
  'japaneast',
  'japanwest',
  'koreacentral',
  'northcentralus',
  'northeurope',
  'southcentralus',
  'southeastasia',
  'swedencentral',
  'uksouth',
  'westeurope',
  'westus',
  'westus2',
  'westus3',
];
const CONVERSATION_SUMMARIZATION = [
  'northeurope',
  'eastus',
  'eastus2',
  'westus',
  'uksouth',
  'southeastasia',
  'australiaeast',
  'francecentral',
  'japaneast',
  'northcentralus',
  'swedencentral',
  'switzerlandnorth',
  'westeurope',
  'italynorth',
];
const FLEX_CONSUMPTION = [
  'australiaeast',
  'australiasoutheast',
  'brazilsouth',
  'canadacentral',
  'centralindia',
  'centralus',
  'eastasia',
  'eastus',
  'eastus2',
  'francecentral',
  'germanywestcentral',
  'italynorth',
  'japaneast',
  'koreacentral',
  'northcentralus',
  'northeurope',
  'norwayeast',
  'southafricanorth',
  'southcentralus',
  'southeastasia',
  'southindia',
  'spaincentral',
  'swedencentral',
  'uaenorth',
  'uksouth',
  'ukwest',
  'westcentralus',
  'westeurope',
  'westus',
  'westus2',
  'westus3',
];

describe('regions', { skip: compiled.skip }, () => {
  const allowed = () => (main.parameters.location.allowedValues ?? []) as string[];

  it('offers exactly the regions that have Voice Live, fast transcription, summarization and Flex Consumption', () => {
    const everywhere = VOICE_LIVE_GPT_REALTIME.filter(
      (r) => FAST_TRANSCRIPTION.includes(r) && CONVERSATION_SUMMARIZATION.includes(r) && FLEX_CONSUMPTION.includes(r),
    );
    assert.deepEqual([...allowed()].sort(), everywhere.sort());
  });

  it('names its sources beside the list in main.bicep', () => {
    const bicep = read('infra/main.bicep');
    for (const source of ['speech-service/regions', 'summarization/region-support', 'list-flexconsumption-locations'])
      assert.ok(bicep.includes(source), `main.bicep does not cite ${source}`);
  });
});
