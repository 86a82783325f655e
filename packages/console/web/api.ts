// The console server's API as the page uses it (sandbox/console/consoleServer.ts): one origin, JSON.

// The shapes come from the server's own modules (type-only: nothing of them reaches the bundle).
import type { TimelineEntry as EmulatorTimelineEntry, TimelineKind } from '@switchboard/acs-emulator/timeline';
import type { AdvancedMessageRecord } from '@switchboard/acs-emulator/messages/messagesStore';
export type { SmsRecord } from '@switchboard/acs-emulator/sms/smsStore';
export type { ConsoleCall } from '../src/consoleApi';
export type { FlowGraph, FlowProblem, FlowsView } from '../src/flowGraph';
import type { SmsRecord } from '@switchboard/acs-emulator/sms/smsStore';
import type { ConsoleCall } from '../src/consoleApi';
import type { FlowsView } from '../src/flowGraph';

/** The emulator's entries, and the page's own `step` entries: the orchestration's step changes. */
export interface TimelineEntry extends Omit<EmulatorTimelineEntry, 'kind'> {
  kind: TimelineKind | 'step';
  /** Added by the page on its step entries (from the app's call status). */
  callId?: string;
}

/** A WhatsApp message as the emulator's Advanced Messaging records it. */
export type WhatsAppRecord = AdvancedMessageRecord;

export interface ChatLine {
  id: string;
  mine: boolean;
  text: string;
  time: string;
}

export interface Artifacts {
  callId: string;
  recordings: { name: string; url: string }[];
  transcript?: { turns?: { role: string; text: string }[] };
  summary?: Record<string, unknown>;
}

export class ApiError extends Error {}

/** How a simulated person answers calls that ring them; `manual`: the console's user decides. */
export type AgentKind = 'answer' | 'reject' | 'noAnswer' | 'manual';

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const error = (parsed as { error?: string | { message?: string } } | undefined)?.error;
    const message = typeof error === 'string' ? error : (error?.message ?? `HTTP ${response.status}`);
    throw new ApiError(message);
  }
  return parsed as T;
}

export const api = {
  flows: () => call<FlowsView>('GET', '/api/flows'),
  /** How this sandbox runs: what it found missing when it started (one line each with its fix), and which
   * voice model provider the media bridge uses. */
  sandbox: () => call<{ problems: string[]; voiceProvider: string }>('GET', '/api/sandbox'),
  calls: async () => (await call<{ value: ConsoleCall[] }>('GET', '/api/calls')).value,
  placeOutbound: (to: string, flow: string) => call<{ callId: string }>('POST', '/api/outbound', { to, flow }),
  dial: (from: string, to: string) => call<{ serverCallId: string }>('POST', '/api/control/calls', { from, to }),
  digits: (serverCallId: string, digits: string) =>
    call<void>('POST', `/api/control/calls/${encodeURIComponent(serverCallId)}/digits`, { digits }),
  say: (serverCallId: string, text: string) =>
    call<void>('POST', `/api/control/calls/${encodeURIComponent(serverCallId)}/say`, { text }),
  silence: (serverCallId: string) =>
    call<void>('POST', `/api/control/calls/${encodeURIComponent(serverCallId)}/silence`, {}),
  hangUp: (serverCallId: string) =>
    call<void>('POST', `/api/control/calls/${encodeURIComponent(serverCallId)}/hangup`, {}),
  agent: (number: string, kind: AgentKind) =>
    call<void>('PUT', `/api/control/agents/${encodeURIComponent(number)}`, { kind }),
  answerRinging: (serverCallId: string, target: string, decision: 'answer' | 'reject') =>
    call<void>('POST', `/api/control/calls/${encodeURIComponent(serverCallId)}/ringing`, { target, decision }),
  sms: async () => (await call<{ value: SmsRecord[] }>('GET', '/api/control/sms')).value,
  sendSms: (from: string, to: string, message: string) => call<void>('POST', '/api/control/sms', { from, to, message }),
  whatsApp: async () => (await call<{ value: WhatsAppRecord[] }>('GET', '/api/control/whatsapp/messages')).value,
  sendWhatsApp: (from: string, content: string) =>
    call<void>('POST', '/api/control/whatsapp/messages', { from, content }),
  startChat: (name: string) => call<{ threadId: string }>('POST', '/api/chat/threads', { name }),
  chatLines: async (threadId: string) =>
    (await call<{ value: ChatLine[] }>('GET', `/api/chat/threads/${encodeURIComponent(threadId)}/messages`)).value,
  sendChat: (threadId: string, content: string) =>
    call<void>('POST', `/api/chat/threads/${encodeURIComponent(threadId)}/messages`, { content }),
  artifacts: (callId: string) => call<Artifacts>('GET', `/api/calls/${encodeURIComponent(callId)}/artifacts`),
};

/** The phone number of a raw id (`4:+1425...`), or the id itself. */
export function numberOf(rawId: string | undefined): string {
  return rawId ? rawId.replace(/^4:/, '') : '';
}
