import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadBridgeConfig } from '@switchboard/bridge/bridgeConfig';
import { ConfigError } from '@switchboard/core/errors';
import type { AcsEmulator } from '@switchboard/acs-emulator';
import type { AzuriteInstance } from '@switchboard/functions-host/azurite';
import { sandboxBridgeSettings } from '@switchboard/sandbox/appSettings';

// Where the bridge listens: every interface in its container (the Container App's ingress), loopback only in the
// sandbox, where nothing but the emulator on the same machine should reach it.

const required = {
  ACS_IMMUTABLE_RESOURCE_ID: 'acs-resource',
  APP_BASE_URL: 'https://app.example',
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
};

describe('the address the media bridge listens on', () => {
  it('is every interface unless BRIDGE_HOST says otherwise', () => {
    assert.equal(loadBridgeConfig(required).host, '0.0.0.0');
    assert.equal(loadBridgeConfig({ ...required, BRIDGE_HOST: '::1' }).host, '::1');
  });

  it('is loopback in the sandbox', () => {
    const settings = sandboxBridgeSettings({
      azurite: {
        connectionString: 'DefaultEndpointsProtocol=http;BlobEndpoint=http://127.0.0.1:1/a',
      } as AzuriteInstance,
      acs: {
        immutableResourceId: 'acs-resource',
        issuer: 'https://issuer.example',
        jwksUrl: 'https://issuer.example/keys',
        caCertPath: '/tmp/ca.pem',
      } as AcsEmulator,
      appBaseUrl: 'http://127.0.0.1:7071',
    });
    assert.equal(loadBridgeConfig(settings).host, '127.0.0.1');
  });

  it('refuses a BRIDGE_HOST that is no address, naming the setting', () => {
    assert.throws(
      () => loadBridgeConfig({ ...required, BRIDGE_HOST: 'all interfaces please' }),
      (error: unknown) => error instanceof ConfigError && /BRIDGE_HOST/.test(error.message),
    );
  });
});
