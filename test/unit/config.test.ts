import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '@switchboard/app/config';
import { ConfigError } from '@switchboard/core/errors';
import { appSettings } from '../support/appSettings';

describe('app settings', () => {
  it('accept the sandbox settings and fill in ACS defaults', () => {
    const config = loadConfig(appSettings);
    assert.equal(config.callbackBaseUrl, 'https://switchboard.example.net');
    assert.equal(config.acs.callbackIssuer, 'https://acscallautomation.communication.azure.com');
    assert.equal(config.insights.provider, 'local');
    assert.equal(config.flowsPath, 'flows');
    assert.deepEqual(config.api.issuers, {
      v1: 'https://sts.windows.net/00000000-0000-0000-0000-000000000001/',
      v2: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/v2.0',
    });
    assert.equal(config.api.appIdUri, 'api://00000000-0000-0000-0000-0000000000a1', 'the default App ID URI');
    assert.deepEqual(config.api.allowedPrefixes, [], 'no destination is allowed until one is configured');
  });

  it('accept managed identity in Azure: an ACS endpoint and a storage account name, no secrets', () => {
    const config = loadConfig({
      ...appSettings,
      AzureWebJobsStorage: undefined,
      AzureWebJobsStorage__accountName: 'stswitchboard',
      ACS_CONNECTION_STRING: undefined,
      ACS_ENDPOINT: 'https://acs.communication.azure.com',
    });
    assert.deepEqual(config.storage, { connectionString: undefined, accountName: 'stswitchboard' });
    assert.equal(config.acs.endpoint, 'https://acs.communication.azure.com');
  });

  it('name every wrong setting at once', () => {
    assert.throws(
      () => loadConfig({ TASKHUB_NAME: 'x', CALLBACK_BASE_URL: 'nope', INSIGHTS_PROVIDER: 'azure' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const text = error.details.join('\n');
        for (const name of [
          'TASKHUB_NAME',
          'CALLBACK_BASE_URL',
          'ACS_IMMUTABLE_RESOURCE_ID',
          'AzureWebJobsStorage',
          'ACS_ENDPOINT',
          'LANGUAGE_ENDPOINT',
          'SPEECH_ENDPOINT',
          'API_AUTH_TENANT_ID',
          'API_AUTH_CLIENT_ID',
        ]) {
          assert.match(text, new RegExp(`^${name}:`, 'm'), `${name} is not named`);
        }
        return true;
      },
    );
  });

  it("refuse API auth settings that are not the tenant's and app's ids, or an App ID URI, saying what each must be", () => {
    assert.throws(
      () =>
        loadConfig({
          ...appSettings,
          API_AUTH_TENANT_ID: 'contoso.onmicrosoft.com',
          API_AUTH_CLIENT_ID: 'switchboard-api',
          API_AUTH_AUDIENCE: 'switchboard',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const text = error.details.join('\n');
        assert.match(text, /^API_AUTH_TENANT_ID: must be the Entra tenant's id, a GUID/m);
        assert.match(text, /^API_AUTH_CLIENT_ID: must be the API app registration's Application \(client\) ID/m);
        assert.match(text, /^API_AUTH_AUDIENCE: must be the API app registration's Application ID URI/m);
        return true;
      },
    );
  });

  it('take an App ID URI other than the default, and ids in any case as Entra writes them (lower case)', () => {
    const config = loadConfig({
      ...appSettings,
      API_AUTH_TENANT_ID: 'AAAAAAAA-0000-0000-0000-000000000001',
      API_AUTH_AUDIENCE: 'https://contoso.com/switchboard',
    });
    assert.equal(config.api.tenantId, 'aaaaaaaa-0000-0000-0000-000000000001');
    assert.equal(config.api.appIdUri, 'https://contoso.com/switchboard');
    assert.equal(
      config.api.jwksUrl,
      'https://login.microsoftonline.com/aaaaaaaa-0000-0000-0000-000000000001/discovery/v2.0/keys',
    );
  });

  it('take the analytics settings, and name a short salt, a bad retention and a model-less ask provider', () => {
    const config = loadConfig({
      ...appSettings,
      INSIGHTS_CUSTOMER_SALT: 'a-secret-of-24-characters',
      INSIGHTS_RETENTION_DAYS: '30',
    });
    assert.deepEqual(config.analytics, {
      customerSalt: 'a-secret-of-24-characters',
      retentionDays: 30,
      askProvider: 'local',
    });
    assert.throws(
      () =>
        loadConfig({
          ...appSettings,
          INSIGHTS_CUSTOMER_SALT: 'short',
          INSIGHTS_RETENTION_DAYS: '0',
          INSIGHTS_ASK_PROVIDER: 'azure-openai',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const text = error.details.join('\n');
        assert.match(text, /INSIGHTS_CUSTOMER_SALT: must be at least 16 characters/);
        assert.match(text, /INSIGHTS_RETENTION_DAYS/);
        assert.match(text, /AZURE_OPENAI_ENDPOINT: is required when INSIGHTS_ASK_PROVIDER=azure-openai/);
        return true;
      },
    );
  });
});
