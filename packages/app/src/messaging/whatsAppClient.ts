import createMessagesClient, { isUnexpected, type MessagesServiceClient } from '@azure-rest/communication-messages';
import { DefaultAzureCredential } from '@azure/identity';
import type { Config } from '../config';
import { RemoteServiceError } from '@switchboard/core/errors';

// ACS Advanced Messaging (WhatsApp) through @azure-rest/communication-messages: managed identity against
// ACS_ENDPOINT in Azure, the connection string in the sandbox. Errors carry the status and ACS code only.

export interface WhatsAppTemplate {
  name: string;
  language: string;
  /** Body parameters, in order. */
  parameters: string[];
}

export interface WhatsAppClient {
  sendText(channelId: string, to: string, text: string): Promise<string>;
  sendTemplate(channelId: string, to: string, template: WhatsAppTemplate): Promise<string>;
  downloadMedia(mediaId: string): Promise<{ bytes: Buffer; contentType: string }>;
}

function failure(what: string, status: string, body: unknown): RemoteServiceError {
  const code = (body as { error?: { code?: string } } | undefined)?.error?.code;
  return new RemoteServiceError(`Advanced Messaging ${what} failed (${status}${code ? ` ${code}` : ''})`, {
    status: Number(status),
    retryable: Number(status) === 429 || Number(status) >= 500,
  });
}

export function createWhatsAppClient(config: Config): WhatsAppClient {
  const client: MessagesServiceClient = config.acs.connectionString
    ? createMessagesClient(config.acs.connectionString)
    : createMessagesClient(config.acs.endpoint!, new DefaultAzureCredential());
  const send = async (body: Record<string, unknown>) => {
    const response = await client.path('/messages/notifications:send').post({ body: body as never });
    if (isUnexpected(response)) throw failure('send', response.status, response.body);
    return response.body.receipts[0]?.messageId ?? '';
  };
  return {
    sendText: (channelId, to, text) =>
      send({ channelRegistrationId: channelId, to: [to], kind: 'text', content: text }),
    sendTemplate: (channelId, to, template) =>
      send({
        channelRegistrationId: channelId,
        to: [to],
        kind: 'template',
        template: {
          name: template.name,
          language: template.language,
          values: template.parameters.map((text, i) => ({ kind: 'text', name: `p${i + 1}`, text })),
          bindings: { kind: 'whatsApp', body: template.parameters.map((_, i) => ({ refValue: `p${i + 1}` })) },
        },
      }),
    async downloadMedia(mediaId) {
      const response = await client.path('/messages/streams/{id}', mediaId).get().asNodeStream();
      if (response.status !== '200' || !response.body) throw failure('media download', response.status, undefined);
      const chunks: Buffer[] = [];
      for await (const chunk of response.body) chunks.push(Buffer.from(chunk as Uint8Array));
      return {
        bytes: Buffer.concat(chunks),
        contentType: String(response.headers['content-type'] ?? 'application/octet-stream'),
      };
    },
  };
}
