// A plain, independent ACS app (not Switchboard): a tiny node:http server that uses only the official SDK
// and env-style settings. It answers IncomingCall from Event Grid (once per call, despite duplicates),
// verifies every callback JWT against the JWKS, asks for one digit and transfers on "1".
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallAutomationClient, DtmfTone, parseCallAutomationEvent } from '@azure/communication-call-automation';
import type * as JoseModule from 'jose' with { 'resolution-mode': 'import' };

export interface IvrSettings {
  ACS_CONNECTION_STRING: string;
  ACS_CALLBACK_JWKS_URL: string;
  ACS_CALLBACK_ISSUER: string;
  ACS_IMMUTABLE_RESOURCE_ID: string;
  TRANSFER_TARGET: string;
}

export class IvrTestApp {
  readonly answered = new Set<string>();
  rejectedCallbacks = 0;
  url = '';
  private server?: Server;
  private readonly client: CallAutomationClient;
  private jwks?: ReturnType<typeof JoseModule.createRemoteJWKSet>;

  constructor(private readonly env: IvrSettings) {
    this.client = new CallAutomationClient(env.ACS_CONNECTION_STRING);
  }

  async start(): Promise<this> {
    const { createRemoteJWKSet } = await import('jose');
    this.jwks = createRemoteJWKSet(new URL(this.env.ACS_CALLBACK_JWKS_URL));
    this.server = createServer((req, res) => {
      this.route(req)
        .then((reply) => {
          res.writeHead(reply.status, { 'content-type': 'application/json' });
          res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
        })
        .catch(() => res.writeHead(500).end());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  private async route(req: IncomingMessage): Promise<{ status: number; body?: unknown }> {
    const body = await readBody(req);
    if (req.url === '/api/eventgrid') return this.onEventGrid(JSON.parse(body) as EventGridEvent[]);
    if (req.url === '/api/callbacks') return this.onCallback(req, body);
    return { status: 404 };
  }

  private async onEventGrid(events: EventGridEvent[]): Promise<{ status: number; body?: unknown }> {
    for (const event of events) {
      if (event.eventType === 'Microsoft.EventGrid.SubscriptionValidationEvent') {
        return { status: 200, body: { validationResponse: event.data.validationCode } };
      }
      if (event.eventType === 'Microsoft.Communication.IncomingCall') {
        // Event Grid may deliver the same call twice: answer it once.
        const serverCallId = String(event.data.serverCallId);
        if (this.answered.has(serverCallId)) continue;
        this.answered.add(serverCallId);
        await this.client.answerCall(String(event.data.incomingCallContext), `${this.url}/api/callbacks`);
      }
    }
    return { status: 200 };
  }

  private async onCallback(req: IncomingMessage, body: string): Promise<{ status: number }> {
    const { jwtVerify } = await import('jose');
    try {
      await jwtVerify(String(req.headers.authorization ?? '').replace(/^Bearer /, ''), this.jwks!, {
        algorithms: ['RS256'],
        issuer: this.env.ACS_CALLBACK_ISSUER,
        audience: this.env.ACS_IMMUTABLE_RESOURCE_ID,
      });
    } catch {
      this.rejectedCallbacks += 1;
      return { status: 401 };
    }
    const event = parseCallAutomationEvent(body);
    const connection = this.client.getCallConnection(event.callConnectionId);
    if (event.kind === 'CallConnected') {
      const caller = (await connection.getCallConnectionProperties()).source!;
      await connection.getCallMedia().startRecognizing(caller, {
        kind: 'callMediaRecognizeDtmfOptions',
        maxTonesToCollect: 1,
        playPrompt: { kind: 'textSource', text: 'For sales press 1.' },
        interruptPrompt: true,
        initialSilenceTimeoutInSeconds: 300,
        operationContext: 'menu',
      });
    } else if (event.kind === 'RecognizeCompleted' && event.dtmfResult?.tones?.[0] === DtmfTone.One) {
      await connection.transferCallToParticipant({ phoneNumber: this.env.TRANSFER_TARGET });
    } else if (event.kind === 'RecognizeCompleted' || event.kind === 'RecognizeFailed') {
      await connection
        .getCallMedia()
        .playToAll([{ kind: 'textSource', text: 'Goodbye.' }], { operationContext: 'goodbye' });
    } else if (event.kind === 'PlayCompleted' && event.operationContext === 'goodbye') {
      await connection.hangUp(true);
    }
    return { status: 200 };
  }
}

interface EventGridEvent {
  eventType: string;
  data: Record<string, unknown>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
