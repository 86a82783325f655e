// The control API's WhatsApp users: write to a channel (text or media), see every message with its
// delivery status, and let a day pass for one user (their 24-hour window closes).
import type { AcsContext } from '../context';
import { acsErrors } from '../errors';
import { route, type Route } from '../http/router';
import { receiveAdvancedMessage } from './messagesRoutes';
import { SANDBOX_WHATSAPP_CHANNEL } from './messagesStore';

export function whatsAppControlRoutes(ctx: AcsContext): Route[] {
  return [
    route('POST', /^\/control\/whatsapp\/messages$/, 'none', 'control.whatsAppMessage', (req) => {
      const b = req.body;
      const from = typeof b.from === 'string' ? b.from : '';
      const media = b.media as { mimeType?: unknown; data?: unknown; fileName?: unknown } | undefined;
      if (media !== undefined && (typeof media.mimeType !== 'string' || typeof media.data !== 'string'))
        throw acsErrors.invalidBody("'media' needs mimeType and data (base64).");
      const messageId = receiveAdvancedMessage(ctx, {
        from,
        channelRegistrationId:
          typeof b.channelRegistrationId === 'string' ? b.channelRegistrationId : SANDBOX_WHATSAPP_CHANNEL,
        content: typeof b.content === 'string' && b.content ? b.content : undefined,
        media: media && {
          mimeType: media.mimeType as string,
          data: Buffer.from(media.data as string, 'base64'),
          fileName: typeof media.fileName === 'string' ? media.fileName : undefined,
        },
      });
      return { status: 201, body: { messageId } };
    }),
    route('GET', /^\/control\/whatsapp\/messages$/, 'none', 'control.listWhatsAppMessages', () => ({
      status: 200,
      body: { value: ctx.messages.messages },
    })),
    route('POST', /^\/control\/whatsapp\/users\/([^/]+)\/age$/, 'none', 'control.ageWhatsAppUser', (req) => {
      const hours = Number(req.body.hours);
      if (!Number.isFinite(hours) || hours <= 0) throw acsErrors.invalidBody("'hours' must be a positive number.");
      const channel =
        typeof req.body.channelRegistrationId === 'string' ? req.body.channelRegistrationId : SANDBOX_WHATSAPP_CHANNEL;
      ctx.messages.age(channel, req.params[0], hours * 3_600_000);
      return { status: 204 };
    }),
  ];
}
