import { ChatClient } from '@azure/communication-chat';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import { DefaultAzureCredential } from '@azure/identity';
import type { Config } from '../config';
import { acsHttpAgent } from '../acs/acsHttpAgent';

/**
 * A chat client that acts as the bot's own ACS identity: its token comes from the Identity API (managed
 * identity in Azure) and is refreshed before it expires.
 */
export function createBotChatClient(config: Config, botUserId: string): ChatClient {
  const options = { agent: acsHttpAgent() };
  const identity = config.acs.connectionString
    ? new CommunicationIdentityClient(config.acs.connectionString, options)
    : new CommunicationIdentityClient(config.acs.endpoint!, new DefaultAzureCredential(), options);
  const endpoint = config.acs.endpoint ?? /endpoint=([^;]+)/i.exec(config.acs.connectionString ?? '')?.[1];
  if (!endpoint) throw new Error('No ACS endpoint for chat.');
  const credential = new AzureCommunicationTokenCredential({
    tokenRefresher: async () => (await identity.getToken({ communicationUserId: botUserId }, ['chat'])).token,
    refreshProactively: true,
  });
  return new ChatClient(endpoint, credential, options);
}
