import { DefaultAzureCredential } from '@azure/identity';
import { offlineModule } from '@switchboard/core/offlineModule';
import type { MessagingAgent } from '../flows/flowSchema';
import type { AgentMatch } from '../messaging/converse';
import type { ChatModel } from '../messaging/chatModel';
import { ConversationStore, type ConversationState } from '../messaging/conversationStore';
import { conversationForExport } from '../messaging/conversationExport';
import { MessageClaims } from '../messaging/messageClaims';
import { createWhatsAppClient, type WhatsAppClient } from '../messaging/whatsAppClient';
import { createTableClient } from '@switchboard/core/storage/storageClients';
import { Containers } from '../summaries/insightsBlobs';
import type { InsightsBlobs } from '../summaries/insightsBlobs';
import type { Services } from './buildServices';
import { customerHashOrUndefined } from '../analytics/customerHash';
import { messagingAnnotation } from '../analytics/messagingAnnotation';
import { getAnalytics } from './analyticsServices';

/** The messaging agents' stores, models and clients, built once from the validated config and flows. */
export interface MessagingServices {
  claims: MessageClaims;
  conversations: ConversationStore;
  whatsApp: WhatsAppClient;
  agentForNumber: (number: string) => AgentMatch | undefined;
  agentForWhatsApp: (channelId: string) => AgentMatch | undefined;
  chatAgent: () => AgentMatch | undefined;
  agent: (name: string) => AgentMatch | undefined;
  /** The agent's model, built on first use: the OpenAI client and the offline NLP model load only then (the
   * idle sweep, which needs neither, once loaded them both in the middle of a call burst: ~0.4 s of CPU). */
  modelFor: (match: AgentMatch) => Promise<ChatModel>;
  exportConversation: (state: ConversationState, reason: 'idle' | 'handoff') => Promise<void>;
  /** Records an idle conversation's end for analytics (once per conversation id). */
  conversationEnded: (state: ConversationState) => Promise<void>;
}

/** Builds the messaging agents' stores, models and clients (see getMessaging). */
export function buildMessaging(
  { config, flows }: Pick<Services, 'config' | 'flows'>,
  blobs: InsightsBlobs,
): MessagingServices {
  const agents = Object.entries(flows.messaging ?? {}).map(([name, agent]) => ({ name, agent }));
  const models = new Map<string, Promise<ChatModel>>();
  const credential = config.messaging.provider === 'azure-openai' ? new DefaultAzureCredential() : undefined;
  return {
    claims: new MessageClaims(createTableClient(config, `${config.taskHub}MessageClaims`)),
    conversations: new ConversationStore(
      createTableClient(config, `${config.taskHub}Conversations`),
      config.messaging.conversationTtlMinutes * 60_000,
      (address) => customerHashOrUndefined(address, config.analytics.customerSalt),
    ),
    whatsApp: createWhatsAppClient(config),
    agentForNumber: (number) => agents.find((a) => a.agent.numbers?.includes(number)),
    agentForWhatsApp: (channelId) => agents.find((a) => a.agent.whatsapp?.channelId === channelId),
    chatAgent: () => agents.find((a) => a.agent.chat),
    agent: (name) => agents.find((a) => a.name === name),
    modelFor: (match) => {
      let model = models.get(match.name);
      if (!model) {
        const { openAiEndpoint: endpoint, chatDeployment: deployment, openAiApiVersion: apiVersion } = config.messaging;
        model =
          credential && endpoint && deployment
            ? import('../messaging/azureOpenAiChatModel.js').then(({ createAzureOpenAiChatModel }) =>
                createAzureOpenAiChatModel({ endpoint, deployment, apiVersion, credential }),
              )
            : Promise.resolve().then(() =>
                offlineModule<{ createLocalChatModel(agent: MessagingAgent): ChatModel }>(
                  'chat/localChatModel',
                  'MESSAGING_PROVIDER=local',
                ).createLocalChatModel(match.agent),
              );
        // A failed load is not kept: the next message tries again.
        model.catch(() => models.delete(match.name));
        models.set(match.name, model);
      }
      return model;
    },
    exportConversation: (state, reason) =>
      blobs.putJson(Containers.transcripts, `${state.conversationId}.json`, conversationForExport(state, reason)),
    conversationEnded: async (state) => {
      const queue = agents.find((a) => a.name === state.agent)?.agent.tools?.handoff?.queue;
      await (await getAnalytics()).analytics.ended(messagingAnnotation(state, queue));
    },
  };
}
