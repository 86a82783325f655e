import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { at, compiledTemplate, moduleTemplate, type ArmResource, type ArmTemplate } from './armTemplate';

// The media bridge reaches Azure without Docker on the user's machine (ACR builds the image), and a
// later provision keeps the image azd deployed instead of putting the placeholder back (which listens on
// port 80, not the bridge's 8080: the voice agent would be gone until the next deploy).

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
const PLACEHOLDER = 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest';

describe('deploying the media bridge', { skip: compiled.skip }, () => {
  const bridgeService = () =>
    (parseYaml(read('azure.yaml')) as { services: Record<string, Record<string, unknown>> }).services.bridge;
  const bridgeApp = (): ArmResource => {
    const app = moduleTemplate(main, 'bridge').resources.find((r) => r.type === 'Microsoft.App/containerApps');
    assert.ok(app, 'the bridge module has no container app');
    return app;
  };
  const container = () => at(bridgeApp(), 'properties.template.containers.0') as Record<string, unknown>;

  it('builds the image in the container registry, so azd needs no local Docker or Node for it', () => {
    const service = bridgeService();
    assert.equal(at(service, 'docker.remoteBuild'), true);
    assert.equal(service.language, 'docker', 'language ts would run npm install locally for the bridge too');
    assert.match(read('docs/deploy.md'), /no Docker/i);
  });

  it('uploads a build context without dependencies, build output, tools or azd environments', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim());
    for (const entry of ['node_modules', 'dist', '.git', '.tools', '.azure'])
      assert.ok(ignored.includes(entry), `.dockerignore does not exclude ${entry}`);
  });

  it('learns from azd whether the bridge is already deployed', () => {
    const parameters = JSON.parse(read('infra/main.parameters.json')) as {
      parameters: Record<string, { value: string }>;
    };
    assert.equal(parameters.parameters.bridgeExists?.value, '${SERVICE_BRIDGE_RESOURCE_EXISTS=false}');
    const deployment = main.resources.find((r) => r.name === 'bridge');
    assert.equal(at(deployment, 'properties.parameters.exists.value'), "[parameters('bridgeExists')]");
  });

  it('keeps the deployed image on a later provision and uses the placeholder only for the first', () => {
    const fetch = moduleTemplate(main, 'bridge').resources.find((r) => r.type === 'Microsoft.Resources/deployments');
    assert.ok(fetch, 'the bridge module does not read the deployed container app');
    const fetchTemplate = fetch.properties.template as ArmTemplate;
    assert.equal(at(fetch, 'properties.parameters.exists.value'), "[parameters('exists')]");
    assert.equal(at(fetch, 'properties.parameters.name.value'), "[parameters('name')]");
    const output = String(at(fetchTemplate, 'outputs.containers.value'));
    assert.match(
      output,
      /^\[if\(parameters\('exists'\), reference\(resourceId\('Microsoft\.App\/containerApps', parameters\('name'\)\)/,
    );
    assert.match(output, /\.template\.containers, createArray\(\)\)\]$/);
    const image = String(container().image);
    assert.match(image, /outputs\.containers\.value\)\), .*outputs\.containers\.value\[0\]\.image, /);
    assert.ok(image.endsWith(", variables('placeholderImage'))]"), `the placeholder is not the fallback: ${image}`);
    assert.equal(moduleTemplate(main, 'bridge').variables?.placeholderImage, PLACEHOLDER);
  });

  it('probes /healthz on 8080 only once the bridge image runs (the placeholder has no such endpoint)', () => {
    assert.equal(at(bridgeApp(), 'properties.configuration.ingress.targetPort'), 8080);
    const probes = String(container().probes);
    assert.match(probes, /^\[if\(empty\(.*outputs\.containers\.value\), createArray\(\), createArray\(/);
    assert.match(probes, /'path', '\/healthz', 'port', 8080/);
  });
});
