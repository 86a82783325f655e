// The control API (plain JSON, unauthenticated: it is the test driver): the PSTN world's callers and
// agents, Event Grid subscriptions, inbound SMS, chat users who write, and the timeline.
import type { AcsContext } from '../context';
import { acsErrors } from '../errors';
import { route, type RequestContext, type Route } from '../http/router';
import type { AgentBehaviour } from '../options';
import type { Call } from '../callAutomation/call';
import { wireParticipant } from '../callAutomation/call';
import { receiveSms } from '../sms/smsRoutes';
import { sendChatMessage } from '../chat/chatRoutes';
import type { TimelineFilter, TimelineKind } from '../timeline';

const CALL = '/control/calls/([^/]+)';

export function callSummary(call: Call): Record<string, unknown> {
  return {
    serverCallId: call.serverCallId,
    callConnectionId: call.callConnectionId,
    correlationId: call.correlationId,
    direction: call.direction,
    state: call.state,
    caller: call.caller,
    callee: call.callee,
    connectedTo: call.connectedTo,
    participants: [...call.participants.values()].map(wireParticipant),
    incomingCallContext: call.incomingCallContext,
    // Where the app wants this call's callbacks, without the query (it may hold the app's per-call secret).
    callbackPath: call.callbackUri ? new URL(call.callbackUri).pathname : undefined,
    createdAt: call.createdAt.toISOString(),
    endedAt: call.endedAt?.toISOString(),
  };
}

function behaviourOf(body: Record<string, unknown>): AgentBehaviour {
  const kind = body.kind;
  const afterMs = body.afterMs === undefined ? undefined : Number(body.afterMs);
  if (kind === 'answer' || kind === 'reject') return { kind, afterMs };
  if (kind === 'noAnswer' || kind === 'manual') return { kind };
  throw acsErrors.invalidBody("'kind' must be answer, reject, noAnswer or manual.");
}

export function timelineFilter(params: URLSearchParams): TimelineFilter {
  const get = (name: string) => params.get(name) ?? undefined;
  const since = params.get('since');
  return {
    kind: get('kind') as TimelineKind | undefined,
    type: get('type'),
    callConnectionId: get('callConnectionId'),
    serverCallId: get('serverCallId'),
    operation: get('operation'),
    subscriptionId: get('subscriptionId'),
    since: since === null ? undefined : Number(since),
  };
}

export function controlRoutes(ctx: AcsContext, info: () => Record<string, unknown>): Route[] {
  const world = ctx.world;
  const str = (req: RequestContext, field: string): string => {
    const value = req.body[field];
    if (typeof value !== 'string' || !value) throw acsErrors.invalidBody(`'${field}' is required.`);
    return value;
  };
  return [
    route('GET', /^\/control$/, 'none', 'control.info', () => ({ status: 200, body: info() })),
    route('POST', /^\/control\/calls$/, 'none', 'control.placeCall', (req) => {
      const call = world.placeCall({
        from: str(req, 'from'),
        to: str(req, 'to'),
        callerDisplayName: typeof req.body.callerDisplayName === 'string' ? req.body.callerDisplayName : undefined,
        customContext: req.body.customContext as never,
        ringTimeoutMs: req.body.ringTimeoutMs === undefined ? undefined : Number(req.body.ringTimeoutMs),
      });
      return { status: 201, body: callSummary(call) };
    }),
    route('GET', /^\/control\/calls$/, 'none', 'control.listCalls', () => ({
      status: 200,
      body: { value: ctx.calls.all().map(callSummary) },
    })),
    route('GET', new RegExp(`^${CALL}$`), 'none', 'control.getCall', (req) => ({
      status: 200,
      body: callSummary(world.find(req.params[0])),
    })),
    route('POST', new RegExp(`^${CALL}/digits$`), 'none', 'control.pressDigits', (req) => {
      world.pressDigits(req.params[0], str(req, 'digits'));
      return { status: 202 };
    }),
    route('POST', new RegExp(`^${CALL}/say$`), 'none', 'control.say', (req) => {
      world.say(req.params[0], str(req, 'text'));
      return { status: 202 };
    }),
    route('POST', new RegExp(`^${CALL}/silence$`), 'none', 'control.staySilent', (req) => {
      world.staySilent(req.params[0]);
      return { status: 202 };
    }),
    route('POST', new RegExp(`^${CALL}/hangup$`), 'none', 'control.hangUp', (req) => {
      world.hangUp(req.params[0], typeof req.body.participant === 'string' ? req.body.participant : undefined);
      return { status: 202 };
    }),
    route('POST', new RegExp(`^${CALL}/ringing$`), 'none', 'control.answerRinging', (req) => {
      const decision = req.body.decision;
      if (decision !== 'answer' && decision !== 'reject')
        throw acsErrors.invalidBody("'decision' must be answer or reject.");
      world.decide(req.params[0], str(req, 'target'), decision);
      return { status: 202 };
    }),
    route('PUT', /^\/control\/agents\/default$/, 'none', 'control.defaultAgent', (req) => {
      world.setDefaultBehaviour(behaviourOf(req.body));
      return { status: 204 };
    }),
    route('PUT', /^\/control\/agents\/([^/]+)$/, 'none', 'control.configureAgent', (req) => {
      world.configureAgent(req.params[0], behaviourOf(req.body));
      return { status: 204 };
    }),
    route('POST', /^\/control\/subscriptions$/, 'none', 'control.addSubscription', async (req) => {
      const eventTypes = req.body.eventTypes;
      if (eventTypes !== undefined && !(Array.isArray(eventTypes) && eventTypes.every((t) => typeof t === 'string'))) {
        throw acsErrors.invalidBody("'eventTypes' must be a list of strings.");
      }
      let subscription;
      try {
        subscription = await ctx.eventGrid.add({
          endpoint: str(req, 'endpoint'),
          eventTypes: eventTypes,
          maxDeliveryAttempts:
            req.body.maxDeliveryAttempts === undefined ? undefined : Number(req.body.maxDeliveryAttempts),
          id: typeof req.body.id === 'string' ? req.body.id : undefined,
        });
      } catch (err) {
        if (err instanceof TypeError) throw acsErrors.invalidBody("'endpoint' must be an absolute http(s) URL.");
        throw err;
      }
      return { status: 201, body: subscription };
    }),
    route('GET', /^\/control\/subscriptions$/, 'none', 'control.listSubscriptions', () => ({
      status: 200,
      body: { value: ctx.eventGrid.list() },
    })),
    route('DELETE', /^\/control\/subscriptions\/([^/]+)$/, 'none', 'control.removeSubscription', (req) => {
      if (!ctx.eventGrid.remove(req.params[0])) throw acsErrors.unknownOperation('DELETE', 'subscription');
      return { status: 204 };
    }),
    route('POST', /^\/control\/sms$/, 'none', 'control.receiveSms', (req) => ({
      status: 201,
      body: {
        messageId: receiveSms(
          ctx,
          str(req, 'from'),
          str(req, 'to'),
          str(req, 'message'),
          Math.min(Math.max(Number(req.body.deliveries ?? 1) || 1, 1), 100),
        ),
      },
    })),
    route('GET', /^\/control\/sms$/, 'none', 'control.listSms', () => ({
      status: 200,
      body: { value: ctx.sms.messages },
    })),
    route('POST', /^\/control\/chat\/messages$/, 'none', 'control.chatMessage', (req) => {
      const senderId = str(req, 'senderId');
      const thread = ctx.chats.forUser(str(req, 'threadId'), senderId);
      const m = sendChatMessage(ctx, thread, senderId, str(req, 'content'), {
        senderDisplayName: typeof req.body.senderDisplayName === 'string' ? req.body.senderDisplayName : undefined,
      });
      return { status: 201, body: { id: m.id } };
    }),
    route('GET', /^\/control\/timeline$/, 'none', 'control.timeline', (req) => ({
      status: 200,
      body: { value: ctx.timeline.list(timelineFilter(req.url.searchParams)), lastSeq: ctx.timeline.lastSeq },
    })),
    route('GET', /^\/control\/timeline\/wait$/, 'none', 'control.waitTimeline', async (req) => {
      const timeoutMs = Math.min(Number(req.url.searchParams.get('timeoutMs') ?? 10_000), 120_000);
      const entry = await ctx.timeline.waitFor(timelineFilter(req.url.searchParams), timeoutMs);
      if (!entry)
        return { status: 408, body: { error: { code: 'Timeout', message: 'No matching timeline entry in time.' } } };
      return { status: 200, body: entry };
    }),
  ];
}
