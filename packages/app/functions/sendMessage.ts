import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getServices } from '../src/app/services';
import { getMessaging } from '../src/app/messagingServices';
import { dropIfInvalid } from '@switchboard/core/errors';
import { Roles } from '../src/api/apiAuth';
import { requireRole } from '../src/api/apiGuards';
import { firstDisallowed } from '../src/api/outboundPolicy';

// POST /api/messages: a business-initiated SMS or WhatsApp message from a messaging agent (WhatsApp as the
// agent's template when the customer is outside the 24-hour window). Requires an Entra ID token with the
// Messages.Send role and a destination under OUTBOUND_ALLOWED_PREFIXES, as placing a call does.
export async function sendMessage(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const services = await getServices();
  const auth = await requireRole(request, services, Roles.send);
  if (!auth.ok) return auth.response;
  // Its zod-validated parsing loads on first use, not when the worker starts (cold start).
  const [{ parseJsonBody }, { sendBusinessMessage, sendMessageBody }] = await Promise.all([
    import('../src/call/outboundRequest.js'),
    import('../src/messaging/sendBusinessMessage.js'),
  ]);
  const parsed = parseJsonBody(await request.text(), sendMessageBody);
  if (!parsed.ok) return { status: parsed.status, jsonBody: { error: parsed.error } };
  if (firstDisallowed([parsed.value.to], services.config.api.allowedPrefixes) !== undefined)
    return {
      status: 403,
      jsonBody: { error: 'Messages to this number are not allowed: it is not under OUTBOUND_ALLOWED_PREFIXES.' },
    };
  const messaging = await getMessaging();
  const agent = messaging.agent(parsed.value.agent);
  if (!agent) return { status: 404, jsonBody: { error: `No messaging agent named "${parsed.value.agent}".` } };
  const { sms, optOut } = services;
  let problem = '';
  const result = await dropIfInvalid(
    () =>
      sendBusinessMessage(
        { agent, channel: parsed.value.channel, to: parsed.value.to, text: parsed.value.text },
        { sms, optOut, whatsApp: messaging.whatsApp, conversations: messaging.conversations },
      ),
    (reason) => {
      problem = reason;
    },
  );
  if (!result) return { status: 409, jsonBody: { error: problem } };
  context.info('business message', { channel: parsed.value.channel, sentAs: result.sentAs });
  return { status: result.sentAs === 'suppressed' ? 200 : 202, jsonBody: result };
}

app.http('sendMessage', { route: 'messages', methods: ['POST'], authLevel: 'anonymous', handler: sendMessage });
