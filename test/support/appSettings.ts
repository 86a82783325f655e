/** A complete, valid set of the app's settings for tests that load the config without a sandbox. */
export const appSettings = {
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  TASKHUB_NAME: 'switchboard',
  ACS_CONNECTION_STRING: 'endpoint=https://x.communication.azure.com/;accesskey=c2VjcmV0',
  ACS_IMMUTABLE_RESOURCE_ID: 'resource-id',
  CALLBACK_BASE_URL: 'https://switchboard.example.net/',
  API_AUTH_TENANT_ID: '00000000-0000-0000-0000-000000000001',
  API_AUTH_CLIENT_ID: '00000000-0000-0000-0000-0000000000a1',
};
