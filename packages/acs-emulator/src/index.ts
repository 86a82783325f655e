// The ACS emulator: `startAcsEmulator(options)` serves Call Automation, SMS, Chat, Advanced Messaging, Identity and Event Grid
// delivery over HTTPS with a locally trusted CA, plus the control API that drives the PSTN world.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { CallbackDispatcher } from './callAutomation/callbackDispatcher';
import { CallFaults } from './callAutomation/callFaults';
import { callAutomationRoutes } from './callAutomation/callAutomationRoutes';
import { CallStore } from './callAutomation/callStore';
import { ensureTlsMaterial, RECORDING_HOSTS } from './certificates';
import { ChatStore } from './chat/chatStore';
import { chatRoutes } from './chat/chatRoutes';
import type { AcsContext } from './context';
import { controlRoutes, timelineFilter } from './control/controlRoutes';
import { faultRoutes } from './control/faultRoutes';
import { AcsControlClient } from './controlClient';
import { EventGridPublisher } from './eventGrid/eventGridPublisher';
import { RequestPipeline } from './http/requestPipeline';
import { Router } from './server/router';
import { route, type Route } from './http/router';
import { IdentityStore } from './identity/identityStore';
import { MediaStreams } from './media/mediaStreams';
import { listenToCall, speakIntoCall } from './media/callListener';
import { identityRoutes } from './identity/identityRoutes';
import { resolveOptions, type AcsEmulatorOptions, type SubscriptionOptions } from './options';
import { PstnWorld } from './pstn/pstnWorld';
import { RecordingStore } from './recording/recordingStore';
import { recordingRoutes } from './recording/recordingRoutes';
import { roomRoutes } from './rooms/roomRoutes';
import { RoomStore } from './rooms/roomStore';
import { Scheduler } from './scheduler';
import { SmsStore } from './sms/smsStore';
import { MessagesStore } from './messages/messagesStore';
import { messagesRoutes } from './messages/messagesRoutes';
import { whatsAppControlRoutes } from './messages/whatsAppControlRoutes';
import { smsRoutes } from './sms/smsRoutes';
import { matches, Timeline } from './timeline';
import { TokenSigner } from './tokenSigner';

export type { AcsEmulatorOptions, AgentBehaviour, SubscriptionOptions } from './options';
export type { TimelineEntry, TimelineFilter } from './timeline';
export { AcsControlClient } from './controlClient';
export { SANDBOX_WHATSAPP_CHANNEL } from './messages/messagesStore';

export interface AcsEmulator {
  /** `https://127.0.0.1:<port>/` */
  endpoint: string;
  connectionString: string;
  accessKey: string;
  /** The CA to trust (NODE_EXTRA_CA_CERTS) */
  caCertPath: string;
  /** JWKS of the callback JWT keys. */
  jwksUrl: string;
  immutableResourceId: string;
  issuer: string;
  controlUrl: string;
  /** An HTTP proxy (CONNECT) that reaches the emulator, also as the recording hosts (*.asm.skype.com):
   * give it to the SDK as `proxyOptions` so downloadStreaming/delete work unchanged. */
  proxyUrl: string;
  /** Typed client of the control API. */
  control: AcsControlClient;
  close(): Promise<void>;
}

export async function startAcsEmulator(input: AcsEmulatorOptions = {}): Promise<AcsEmulator> {
  const options = resolveOptions(input);
  const tls = await ensureTlsMaterial(options.certDir);
  const timeline = new Timeline(options.timelineLimit);
  const scheduler = new Scheduler(options.timeScale, (err) =>
    timeline.add({
      kind: 'error',
      type: 'timer',
      error: err instanceof Error ? `${err.name}: ${err.message}` : 'unknown error',
    }),
  );
  const callbackSigner = new TokenSigner();
  const identitySigner = new TokenSigner();
  const world = new PstnWorld(options.agents, options.defaultAgentBehaviour);
  const faults = new CallFaults();
  const ctx: AcsContext = {
    options,
    endpoint: '',
    scheduler,
    timeline,
    callbacks: new CallbackDispatcher(
      callbackSigner,
      timeline,
      {
        issuer: options.issuer,
        audience: options.immutableResourceId,
        timeoutMs: options.deliveryTimeoutMs,
      },
      faults,
    ),
    faults,
    eventGrid: new EventGridPublisher(
      {
        topic: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sandbox/providers/Microsoft.Communication/communicationServices/${options.resourceName}`,
        timeoutMs: options.eventGridDeliveryTimeoutMs,
        retryDelaysMs: options.eventGridRetryDelaysMs,
        maxDeliveryAttempts: options.eventGridMaxDeliveryAttempts,
        duplicateIncomingCallWhenUnfiltered: options.duplicateIncomingCallWhenUnfiltered,
      },
      scheduler,
      timeline,
    ),
    calls: new CallStore(),
    world,
    callbackSigner,
    identities: new IdentityStore(identitySigner, options.immutableResourceId),
    chats: new ChatStore(),
    sms: new SmsStore(),
    messages: new MessagesStore(),
    rooms: new RoomStore(),
    streams: new MediaStreams({
      signer: callbackSigner,
      issuer: options.issuer,
      audience: options.immutableResourceId,
      timeline,
    }),
  };
  world.attach(ctx);

  let info: Record<string, unknown> = {};
  const router = new Router<Route>([
    route('GET', /^\/calling\/keys$/, 'none', 'jwks', () => ({ status: 200, body: { keys: [callbackSigner.jwk()] } })),
    ...callAutomationRoutes(ctx),
    ...recordingRoutes(ctx, new RecordingStore()),
    ...identityRoutes(ctx),
    ...smsRoutes(ctx),
    ...chatRoutes(ctx),
    ...messagesRoutes(ctx),
    ...whatsAppControlRoutes(ctx),
    ...roomRoutes(ctx),
    ...controlRoutes(ctx, () => info),
    ...faultRoutes(ctx),
  ]);
  const pipeline = new RequestPipeline(router, timeline, {
    accessKey: options.accessKey,
    maxBodyBytes: options.maxBodyBytes,
    maxClockSkewMs: options.maxClockSkewMs,
    verifyUserToken: (token) => ctx.identities.verify(token),
    serverCallIdOf: (callConnectionId) => ctx.calls.serverCallIdOf(callConnectionId),
  });

  const server: Server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => pipeline.handle(req, res));
  server.on('clientError', (_err, socket) => socket.destroy());
  // The console follows the timeline live (every entry as one JSON text frame) and listens to a call.
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const audio = /^\/control\/calls\/([^/]+)\/(audio|microphone)$/.exec(url.pathname);
    if (audio) {
      const call = ctx.calls.byServerCall(decodeURIComponent(audio[1]));
      if (!call || call.state === 'disconnected') {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) =>
        audio[2] === 'audio'
          ? listenToCall(call, ws)
          : speakIntoCall(call, ws, (action, data) => ctx.world.record(action, call, data)),
      );
      return;
    }
    if (url.pathname !== '/control/timeline/stream') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const filter = timelineFilter(url.searchParams);
      const unsubscribe = timeline.subscribe((entry) => {
        if (matches(entry, filter)) ws.send(JSON.stringify(entry));
      });
      for (const entry of timeline.list(filter)) ws.send(JSON.stringify(entry));
      ws.on('close', unsubscribe);
      ws.on('error', unsubscribe);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  // A CONNECT proxy whose tunnels all end in the emulator's own TLS server (its certificate also covers
  // the recording hosts), so SDK pipelines configured with it reach recording content offline.
  const proxy = createHttpServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, socket, head) => {
    const [targetHost = '', targetPort = '443'] = (req.url ?? '').split(':');
    const host = targetHost.toLowerCase();
    const allowed =
      RECORDING_HOSTS.some((pattern) => host.endsWith(pattern.slice(1))) ||
      (['127.0.0.1', 'localhost', options.host].includes(host) && Number(targetPort) === port);
    socket.on('error', () => socket.destroy());
    if (!allowed) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) socket.unshift(head);
    server.emit('connection', socket);
  });
  await new Promise<void>((resolve, reject) => {
    proxy.once('error', reject);
    proxy.listen(0, options.host, () => resolve());
  });
  const proxyPort = (proxy.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const endpoint = `https://${host}:${port}/`;
  ctx.endpoint = endpoint;
  const controlUrl = `${endpoint}control`;
  const emulator: AcsEmulator = {
    endpoint,
    connectionString: `endpoint=${endpoint};accesskey=${options.accessKey}`,
    accessKey: options.accessKey,
    caCertPath: tls.caCertPath,
    jwksUrl: `${endpoint}calling/keys`,
    immutableResourceId: options.immutableResourceId,
    issuer: options.issuer,
    controlUrl,
    proxyUrl: `http://${host}:${proxyPort}`,
    control: new AcsControlClient(controlUrl, { ca: tls.caCertPem }),
    close: async () => {
      scheduler.close();
      ctx.streams.close();
      ctx.callbacks.close();
      timeline.close();
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => {
        proxy.close(() => resolve());
        proxy.closeAllConnections();
      });
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  info = {
    endpoint,
    caCertPath: tls.caCertPath,
    jwksUrl: emulator.jwksUrl,
    immutableResourceId: options.immutableResourceId,
    issuer: options.issuer,
    controlUrl,
    proxyUrl: emulator.proxyUrl,
  };

  const subscriptions: SubscriptionOptions[] = [...options.subscriptions];
  if (options.subscriptionsFile) {
    const parsed = JSON.parse(readFileSync(options.subscriptionsFile, 'utf8')) as
      SubscriptionOptions[] | { subscriptions: SubscriptionOptions[] };
    subscriptions.push(...(Array.isArray(parsed) ? parsed : parsed.subscriptions));
  }
  // Endpoints that are not up yet are validated again before their first event.
  await Promise.all(subscriptions.map((s) => ctx.eventGrid.add(s)));
  return emulator;
}
