import { CallAutomationClient } from '@azure/communication-call-automation';
import { SmsClient } from '@azure/communication-sms';
import { DefaultAzureCredential } from '@azure/identity';
import type { Config } from '../config';
import { acsHttpAgent } from './acsHttpAgent';
import { stableRepeatabilityPolicy } from './stableRepeatabilityPolicy';

// ACS clients from settings: managed identity against ACS_ENDPOINT in Azure, the connection string in
// the sandbox (the emulator) or for a developer's own resource.

export function createCallAutomationClient(config: Pick<Config, 'acs'>): CallAutomationClient {
  // Every client the SDK derives from this one (connections, media, recording) shares these options.
  const options = {
    additionalPolicies: [{ policy: stableRepeatabilityPolicy(), position: 'perCall' as const }],
    agent: acsHttpAgent(),
  };
  if (config.acs.connectionString) return new CallAutomationClient(config.acs.connectionString, options);
  return new CallAutomationClient(config.acs.endpoint!, new DefaultAzureCredential(), options);
}

export function createSmsClient(config: Config): SmsClient {
  const options = { agent: acsHttpAgent() };
  if (config.acs.connectionString) return new SmsClient(config.acs.connectionString, options);
  return new SmsClient(config.acs.endpoint!, new DefaultAzureCredential(), options);
}
