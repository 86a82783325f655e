// The console's JSON API, one origin for the page: the emulator's control API passed through (the browser
// need not trust the sandbox CA), the calls list joined with the app's view of each call, the flows as
// graphs, and what a finished call left in blob storage.
import { Agent } from 'node:https';
import type { BlobServiceClient } from '@azure/storage-blob';
import { callIdFor } from '@switchboard/app/call/callIdFor';
import { AcsControlClient, type CallSummary } from '@switchboard/acs-emulator/controlClient';
import { flowsView, type FlowsView } from './flowGraph';

export interface ConsoleBackends {
  /** The emulator's control API (`https://.../control`) and the CA it is served with. */
  controlUrl: string;
  caPem: string;
  /** The Functions host running the app (`http://127.0.0.1:7071`), and a bearer token with the Calls.Read and
   * Calls.Place roles for its locked-down routes (the sandbox's local Entra issuer mints it). */
  appUrl: string;
  appToken: string;
  blobs: BlobServiceClient;
  flowsPath: string;
  /** Paths in flow problems are shown relative to this folder. */
  root: string;
}

export interface ApiReply {
  status: number;
  body?: unknown;
}

/** What the app's GET /api/calls/{id} answers (functions/getCall.ts). */
interface AppCallStatus {
  state: string;
  outcome?: string;
  reason?: string;
  currentStep?: string;
  history: string[];
  variables: Record<string, string>;
}

export interface ConsoleCall extends CallSummary {
  callId: string;
  flow?: string;
  app?: AppCallStatus;
}

/** Control API paths the page may use, with their methods: the PSTN world's actions and what it saw. */
const CONTROL_PATHS: Array<[string, RegExp]> = [
  ['POST', /^\/calls$/],
  ['GET', /^\/calls(\/[^/]+)?$/],
  ['POST', /^\/calls\/[^/]+\/(digits|say|silence|hangup|ringing)$/],
  ['PUT', /^\/agents\/[^/]+$/],
  ['GET', /^\/(sms|timeline|whatsapp\/messages)$/],
  ['POST', /^\/(sms|chat\/messages|whatsapp\/messages)$/],
];

export const BLOB_CONTAINERS = ['recordings', 'transcripts', 'summaries', 'chat-exports'];

export class ConsoleApi {
  private readonly agent: Agent;
  private readonly emulator: AcsControlClient;
  private flows?: FlowsView;
  /** The flow of each outbound call placed from the console, by the app's call id. */
  private readonly outboundFlows = new Map<string, string>();

  constructor(private readonly backends: ConsoleBackends) {
    this.agent = new Agent({ ca: backends.caPem, keepAlive: true });
    this.emulator = new AcsControlClient(backends.controlUrl, { agent: this.agent });
  }

  close(): void {
    this.agent.destroy();
  }

  allowedControl(method: string, path: string): boolean {
    return CONTROL_PATHS.some(([m, pattern]) => m === method && pattern.test(path));
  }

  /** Forwards one request to the control API and answers what it answered (a text body as a JSON error). */
  async control(method: string, path: string, body?: unknown): Promise<ApiReply> {
    const reply = await this.emulator.send(method, path, body);
    return typeof reply.body === 'string' ? { status: reply.status, body: { error: { message: reply.body } } } : reply;
  }

  /** The flows as graphs, read again when asked (an author edits them while the sandbox runs). */
  flowsView(): FlowsView {
    this.flows = flowsView(this.backends.flowsPath, this.backends.root);
    return this.flows;
  }

  private flowOfNumber(rawId: string): string | undefined {
    const view = this.flows ?? this.flowsView();
    if (!view.ok) return undefined;
    const number = rawId.replace(/^4:/, '');
    return view.flows.find((f) => f.numbers.includes(number))?.name;
  }

  async appStatus(callId: string): Promise<AppCallStatus | undefined> {
    try {
      const response = await fetch(`${this.backends.appUrl}/api/calls/${encodeURIComponent(callId)}`, {
        headers: { authorization: `Bearer ${this.backends.appToken}` },
      });
      return response.status === 200 ? ((await response.json()) as AppCallStatus) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Every call the emulator knows, newest first, each with the app's state, outcome and path. */
  async calls(): Promise<ConsoleCall[]> {
    const reply = await this.control('GET', '/calls');
    if (reply.status !== 200) throw new Error(`The emulator answered ${reply.status} for its calls.`);
    const calls = (reply.body as { value: CallSummary[] }).value.slice(-100).reverse();
    return Promise.all(
      calls.map(async (call): Promise<ConsoleCall> => {
        // The app names a call in its callback path; an inbound call not answered yet has the id it will get.
        const named = /\/api\/calls\/([^/]+)\/events$/.exec(call.callbackPath ?? '')?.[1];
        const callId = named ? decodeURIComponent(named) : callIdFor(call.serverCallId);
        return {
          ...call,
          callId,
          flow: call.direction === 'inbound' ? this.flowOfNumber(call.callee.rawId) : this.outboundFlows.get(callId),
          app: await this.appStatus(callId),
        };
      }),
    );
  }

  /** Asks the app to call `to` and run `flow` (POST /api/calls, as a CRM would): the callee is simulated. */
  async placeOutbound(body: unknown): Promise<ApiReply> {
    const response = await fetch(`${this.backends.appUrl}/api/calls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.backends.appToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = { error: text };
    }
    const callId = (parsed as { callId?: unknown } | undefined)?.callId;
    const flow = (body as { flow?: unknown } | undefined)?.flow;
    if (response.status === 202 && typeof callId === 'string' && typeof flow === 'string')
      this.outboundFlows.set(callId, flow);
    return { status: response.status, body: parsed };
  }

  /** What the call left in storage: recording chunks, the transcript and the redacted summary. */
  async artifacts(callId: string): Promise<Record<string, unknown>> {
    const names = async (container: string, prefix: string): Promise<string[]> => {
      const client = this.backends.blobs.getContainerClient(container);
      if (!(await client.exists())) return [];
      const out: string[] = [];
      for await (const blob of client.listBlobsFlat({ prefix })) out.push(blob.name);
      return out;
    };
    const json = async (container: string, name: string): Promise<unknown> => {
      const blob = this.backends.blobs.getContainerClient(container).getBlobClient(name);
      if (!(await blob.exists())) return undefined;
      return JSON.parse((await blob.downloadToBuffer()).toString('utf8')) as unknown;
    };
    const recordings = (await names('recordings', `${callId}/`)).map((name) => ({
      name,
      url: `/api/blobs/recordings/${name}`,
    }));
    const transcripts = (await names('transcripts', callId)).filter(
      (n) => n === `${callId}.json` || n.startsWith(`${callId}-`),
    );
    return {
      callId,
      recordings,
      transcript: transcripts.length ? await json('transcripts', transcripts[0]) : undefined,
      summary: await json('summaries', `${callId}.json`),
    };
  }
}
