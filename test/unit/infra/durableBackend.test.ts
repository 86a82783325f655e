import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { at, compiledTemplate, moduleTemplate, type ArmResource, type ArmTemplate } from './armTemplate';

// durableBackend: azureStorage (the default: queues and tables in the app's storage account) or dts (a
// Durable Task Scheduler and its task hub). host.json is shared with the local host, which runs the Azure
// Storage provider on Azurite, so Azure switches providers with app settings that override host.json
// (AzureFunctionsJobHost__<path>), as the Durable extension's own end-to-end tests do.

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
const DURABLE_TASK_DATA_CONTRIBUTOR = '0ad04412-c4d5-4796-b79c-f76d14c8d402';
const OVERRIDE = 'AzureFunctionsJobHost__extensions__durableTask__storageProvider__type';

const appSettings = (): Record<string, string> =>
  moduleTemplate(main, 'function-app').resources.find((r) => r.type === 'Microsoft.Web/sites/config')
    ?.properties as Record<string, string>;
const dts = () => moduleTemplate(main, 'durable-task-scheduler');
const ofType = (template: ArmTemplate, type: string): ArmResource[] =>
  template.resources.filter((r) => r.type === type);

describe('the Durable backend option', { skip: compiled.skip }, () => {
  it('offers azureStorage (the default) and dts, from DURABLE_BACKEND', () => {
    assert.deepEqual(main.parameters.durableBackend.allowedValues, ['azureStorage', 'dts']);
    assert.equal(main.parameters.durableBackend.defaultValue, 'azureStorage');
    assert.match(read('infra/main.parameters.json'), /"\$\{DURABLE_BACKEND=\}"/);
  });

  it('creates a Durable Task Scheduler and the task hub the app names only for dts', () => {
    const deployment = main.resources.find((r) => r.name === 'durable-task-scheduler');
    assert.equal(deployment?.condition, "[equals(parameters('durableBackend'), 'dts')]");
    const [scheduler] = ofType(dts(), 'Microsoft.DurableTask/schedulers');
    assert.equal(at(scheduler, 'properties.sku.name'), 'Consumption');
    const allow = (at(scheduler, 'properties.ipAllowlist') ?? []) as string[];
    assert.ok(allow.length > 0, 'an empty ipAllowlist denies every caller');
    const [hub] = ofType(dts(), 'Microsoft.DurableTask/schedulers/taskHubs');
    assert.match(String(hub.name), /parameters\('taskHubName'\)/);
    const hubName = String(at(deployment, 'properties.parameters.taskHubName.value'));
    const appDeployment = main.resources.find((r) => r.name === 'function-app');
    assert.equal(at(appDeployment, 'properties.parameters.taskHubName.value'), hubName, 'app and hub differ');
    assert.equal(appSettings().TASKHUB_NAME, "[parameters('taskHubName')]");
  });

  it("grants the app's identity Durable Task Data Contributor on the scheduler", () => {
    const assignments = ofType(dts(), 'Microsoft.Authorization/roleAssignments');
    const app = assignments.find((a) => String(a.properties.principalId) === "[parameters('appPrincipalId')]");
    assert.ok(app, 'no role for the app identity');
    const role = /variables\('(\w+)'\)/.exec(String(app.properties.roleDefinitionId))?.[1] ?? '';
    assert.equal(dts().variables?.[role], DURABLE_TASK_DATA_CONTRIBUTOR);
    assert.equal(app.properties.principalType, 'ServicePrincipal');
    assert.match(String(app.scope), /Microsoft\.DurableTask\/schedulers/);
    const deployment = main.resources.find((r) => r.name === 'durable-task-scheduler');
    assert.match(String(at(deployment, 'properties.parameters.appPrincipalId.value')), /'identity'.*principalId/);
  });

  it('switches the provider with an app setting that overrides host.json, leaving the local host on Azure Storage', () => {
    const hostJson = JSON.parse(read('packages/app/host.json')) as Record<string, unknown>;
    const path = OVERRIDE.replace(/^AzureFunctionsJobHost__/, '')
      .split('__')
      .join('.');
    assert.equal(at(hostJson, path), 'AzureStorage', `host.json has no ${path} for the override to replace`);
    assert.equal(
      appSettings()[OVERRIDE],
      "[if(equals(parameters('durableBackend'), 'dts'), 'azureManaged', 'AzureStorage')]",
    );
  });

  it('connects to the scheduler with the user-assigned identity, by the setting the provider reads by default', () => {
    const connection = appSettings().DURABLE_TASK_SCHEDULER_CONNECTION_STRING;
    assert.match(
      connection,
      /^\[if\(equals\(parameters\('durableBackend'\), 'dts'\), format\('Endpoint=\{0\};Authentication=ManagedIdentity;ClientID=\{1\}', parameters\('durableTaskSchedulerEndpoint'\), parameters\('identityClientId'\)\), ''\)\]$/,
    );
    const appDeployment = main.resources.find((r) => r.name === 'function-app');
    assert.match(
      JSON.stringify(at(appDeployment, 'properties.parameters.durableTaskSchedulerEndpoint')),
      /durable-task-scheduler.*outputs\.endpoint/,
    );
  });

  it('documents the trade-offs in docs/deploy.md', () => {
    const docs = read('docs/deploy.md');
    assert.match(docs, /`DURABLE_BACKEND`/);
    assert.match(docs, /Durable Task Scheduler/);
  });
});
