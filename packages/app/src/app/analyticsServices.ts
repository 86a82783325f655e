import type { ConversationAnalytics } from '../analytics/conversationAnalytics';
import type { ChatModel } from '../messaging/chatModel';

export interface AnalyticsServices {
  analytics: ConversationAnalytics;
  /** The HMAC key of customers' identities (INSIGHTS_CUSTOMER_SALT), when set. */
  customerSalt?: string;
  retentionDays: number;
  /** The model that answers questions (INSIGHTS_ASK_PROVIDER=azure-openai), built on first use. */
  askModel?: () => Promise<ChatModel>;
}

let services: Promise<AnalyticsServices> | undefined;

/** Conversation analytics' stores, built once from the validated config (their modules load on first use). */
export function getAnalytics(): Promise<AnalyticsServices> {
  services ??= Promise.all([
    import('../config.js'),
    import('@switchboard/core/storage/storageClients'),
    import('../analytics/annotationStore.js'),
    import('../analytics/rollupStore.js'),
    import('../analytics/conversationAnalytics.js'),
  ])
    .then(([{ getConfig }, { createTableClient }, { AnnotationStore }, { RollupStore }, { ConversationAnalytics }]) => {
      const config = getConfig();
      const table = (name: string) => createTableClient(config, `${config.taskHub}${name}`);
      const analytics = new ConversationAnalytics(
        new AnnotationStore(table('InsightsAnnotations'), table('InsightsCustomers')),
        new RollupStore(table('InsightsRollups')),
      );
      const { openAiEndpoint: endpoint, chatDeployment: deployment, openAiApiVersion: apiVersion } = config.messaging;
      let model: Promise<ChatModel> | undefined;
      const askModel =
        config.analytics.askProvider === 'azure-openai' && endpoint && deployment
          ? () =>
              (model ??= Promise.all([import('@azure/identity'), import('../messaging/azureOpenAiChatModel.js')]).then(
                ([{ DefaultAzureCredential }, { createAzureOpenAiChatModel }]) =>
                  createAzureOpenAiChatModel({
                    endpoint,
                    deployment,
                    apiVersion,
                    credential: new DefaultAzureCredential(),
                  }),
              ))
          : undefined;
      return {
        analytics,
        customerSalt: config.analytics.customerSalt,
        retentionDays: config.analytics.retentionDays,
        ...(askModel ? { askModel } : {}),
      };
    })
    .catch((error: unknown) => {
      services = undefined; // a failed build is tried again by the next use
      throw error;
    });
  return services;
}
