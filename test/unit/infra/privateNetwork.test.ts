import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { at, compiledTemplate, expandLoop, moduleTemplate, type ArmResource, type ArmTemplate } from './armTemplate';

// vnetEnabled: the function app (Flex Consumption virtual network integration) and the media bridge
// (Container Apps environment in the virtual network) reach storage and the AI account through private
// endpoints, resolved by private DNS zones linked to the network, and storage refuses public traffic
// except trusted Azure services (Event Grid dead-lettering with its identity). Call recordings,
// transcripts and summaries are personal data.

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'infra', 'main.bicep'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no infra/main.bicep above ${start}`);
  }
}

const root = findRoot(__dirname);
const compiled = compiledTemplate(root);
const main: ArmTemplate = compiled.template ?? { resources: [], parameters: {}, outputs: {} };
const network = () => moduleTemplate(main, 'network');
const all = (template: ArmTemplate, type: string): ArmResource[] =>
  template.resources.filter((r) => r.type === type).flatMap((r) => expandLoop(template, r));
const passed = (module: string, parameter: string): string =>
  JSON.stringify(
    at(
      main.resources.find((r) => r.name === module),
      `properties.parameters.${parameter}`,
    ),
  );

describe('the private networking option', { skip: compiled.skip }, () => {
  it('is off unless VNET_ENABLED says so, and builds the network only then', () => {
    assert.equal(main.parameters.vnetEnabled.type, 'bool');
    assert.equal(main.parameters.vnetEnabled.defaultValue, false);
    assert.match(readFileSync(join(root, 'infra', 'main.parameters.json'), 'utf8'), /"\$\{VNET_ENABLED=\}"/);
    assert.equal(main.resources.find((r) => r.name === 'network')?.condition, "[parameters('vnetEnabled')]");
  });

  it('gives the function app and the Container Apps environment subnets delegated to them, and endpoints their own', () => {
    const [vnet] = all(network(), 'Microsoft.Network/virtualNetworks');
    const subnets = (at(vnet, 'properties.subnets') ?? []) as { name: string; properties: Record<string, unknown> }[];
    const delegatedTo = (name: string) =>
      (
        (subnets.find((s) => s.name === name)?.properties.delegations ?? []) as {
          properties: { serviceName: string };
        }[]
      ).map((d) => d.properties.serviceName);
    assert.deepEqual(delegatedTo('app'), ['Microsoft.App/environments'], 'Flex Consumption needs this delegation');
    assert.deepEqual(delegatedTo('bridge'), ['Microsoft.App/environments']);
    assert.deepEqual(delegatedTo('private-endpoints'), []);
  });

  it('puts private endpoints on blob, queue and table storage and on the AI account, each with its DNS zone', () => {
    const endpoints = all(network(), 'Microsoft.Network/privateEndpoints');
    const groups = endpoints.map((e) =>
      String(at(e, 'properties.privateLinkServiceConnections.0.properties.groupIds.0')),
    );
    assert.deepEqual(groups.sort(), ['account', 'blob', 'queue', 'table']);
    const zones = all(network(), 'Microsoft.Network/privateDnsZones').map((z) => String(z.name));
    for (const zone of [
      "[format('privatelink.blob.{0}', environment().suffixes.storage)]",
      "[format('privatelink.queue.{0}', environment().suffixes.storage)]",
      "[format('privatelink.table.{0}', environment().suffixes.storage)]",
      'privatelink.cognitiveservices.azure.com',
      'privatelink.openai.azure.com',
      'privatelink.services.ai.azure.com',
    ])
      assert.ok(zones.includes(zone), `no private DNS zone ${zone}`);
    assert.equal(all(network(), 'Microsoft.Network/privateDnsZones/virtualNetworkLinks').length, zones.length);
    assert.equal(all(network(), 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups').length, endpoints.length);
  });

  it('integrates the function app with its subnet', () => {
    const site = moduleTemplate(main, 'function-app').resources.find((r) => r.type === 'Microsoft.Web/sites');
    assert.equal(
      at(site, 'properties.virtualNetworkSubnetId'),
      "[if(empty(parameters('appSubnetId')), null(), parameters('appSubnetId'))]",
    );
    assert.match(passed('function-app', 'appSubnetId'), /'network'.*outputs\.appSubnetId/);
  });

  it('places the Container Apps environment in its subnet', () => {
    const environment = moduleTemplate(main, 'bridge').resources.find(
      (r) => r.type === 'Microsoft.App/managedEnvironments',
    );
    assert.match(JSON.stringify(at(environment, 'properties')), /infrastructureSubnetId.*parameters\('subnetId'\)/);
    assert.match(passed('bridge', 'subnetId'), /'network'.*outputs\.bridgeSubnetId/);
  });

  it('refuses public traffic to storage except trusted Azure services when the network is on', () => {
    const account = moduleTemplate(main, 'storage').resources.find(
      (r) => r.type === 'Microsoft.Storage/storageAccounts',
    );
    assert.equal(
      at(account, 'properties.networkAcls.defaultAction'),
      "[if(parameters('vnetEnabled'), 'Deny', 'Allow')]",
    );
    assert.equal(at(account, 'properties.networkAcls.bypass'), 'AzureServices');
    assert.equal(passed('storage', 'vnetEnabled'), JSON.stringify({ value: "[parameters('vnetEnabled')]" }));
  });

  it('documents VNET_ENABLED and what stays public', () => {
    const docs = readFileSync(join(root, 'docs', 'deploy.md'), 'utf8');
    assert.match(docs, /`VNET_ENABLED`/);
    assert.match(docs, /private endpoint/i);
  });
});
