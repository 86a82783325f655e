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
    assert.equal(config.api.issuer, 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/v2.0');
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
          'API_AUTH_AUDIENCE',
        ]) {
          assert.match(text, new RegExp(`^${name}:`, 'm'), `${name} is not named`);
        }
        return true;
      },
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
