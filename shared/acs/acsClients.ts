import { CallAutomationClient } from '@azure/communication-call-automation';
import { SmsClient } from '@azure/communication-sms';
import { DefaultAzureCredential } from '@azure/identity';
import type { Config } from '../config';

// ACS clients from settings: managed identity against ACS_ENDPOINT in Azure, the connection string in
// the sandbox (the emulator) or for a developer's own resource.

export function createCallAutomationClient(config: Config): CallAutomationClient {
  if (config.acs.connectionString) return new CallAutomationClient(config.acs.connectionString);
  return new CallAutomationClient(config.acs.endpoint!, new DefaultAzureCredential());
}

export function createSmsClient(config: Config): SmsClient {
  if (config.acs.connectionString) return new SmsClient(config.acs.connectionString);
  return new SmsClient(config.acs.endpoint!, new DefaultAzureCredential());
}
