import type { Flow } from '../flows/flowSchema';
import { CallEvents } from './names';
import type { CallSession } from './callSession';
import { isMediaToken } from './mediaToken';
import { agentReportSchema, type AgentConfig } from '@switchboard/core/voiceAgentContract';

// The app's side of the voice-agent route. The media bridge reads the agent of the step the call is at,
// and reports what happened; reports become events raised to the call's orchestration. The bearer is the
// call's media token (mediaToken.ts), compared in constant time.

export interface VoiceAgentRouteDeps {
  /** The call's orchestration: its input and custom status, or undefined when there is none. */
  status(callId: string): Promise<{ input: unknown; customStatus: unknown; running: boolean } | undefined>;
  raise(callId: string, name: string, data: unknown): Promise<void>;
}

export interface RouteResult {
  status: number;
  jsonBody?: unknown;
}

const DEFAULT_MAX_MINUTES = 30;

/** The agent of a voiceAgent step, as the bridge runs it. */
export function agentConfigFor(callId: string, flow: Flow, stepName: string | undefined): AgentConfig | undefined {
  const step = stepName ? flow.steps[stepName] : undefined;
  if (!step || !('voiceAgent' in step)) return undefined;
  const v = step.voiceAgent;
  return {
    callId,
    step: stepName,
    instructions: v.instructions,
    greeting: v.greeting,
    voice: v.voice ?? flow.voice?.name,
    canHandoff: Boolean(v.handoff),
    tools: (v.tools ?? []).map((t) => ({
      name: t.name,
      description: t.description,
      parameters: t.parameters,
      url: t.url,
      auth: t.auth,
      scope: t.scope,
      timeoutMs: t.timeoutSeconds * 1000,
    })),
    maxMs: (v.maxMinutes ?? DEFAULT_MAX_MINUTES) * 60_000,
  };
}

const EVENT_FOR = {
  handoff: CallEvents.voiceAgentHandoff,
  ended: CallEvents.voiceAgentEnded,
  failed: CallEvents.voiceAgentFailed,
} as const;

export async function handleVoiceAgentRequest(
  method: string,
  callId: string,
  authorization: string | null,
  body: string,
  deps: VoiceAgentRouteDeps,
): Promise<RouteResult> {
  const status = await deps.status(callId);
  const session = status?.input as CallSession | undefined;
  // The same answer for "no such call" and "wrong token": the route tells a stranger nothing.
  if (!status || !session || !isMediaToken(authorization, session.mediaTokenHash))
    return { status: 401, jsonBody: { error: 'not authorised for this call' } };
  if (!status.running) return { status: 409, jsonBody: { error: 'the call has ended' } };
  const step = (status.customStatus as { step?: string } | undefined)?.step;
  if (method === 'GET') {
    const agent = agentConfigFor(callId, session.flow, step);
    if (!agent) return { status: 409, jsonBody: { error: 'the call is not at a voiceAgent step' } };
    return { status: 200, jsonBody: agent };
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { status: 400, jsonBody: { error: 'body is not JSON' } };
  }
  const parsed = agentReportSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
    return { status: 400, jsonBody: { error: problems.join('; ') } };
  }
  const report = parsed.data;
  if (report.type !== 'started') await deps.raise(callId, EVENT_FOR[report.type], { ...report, step });
  return { status: 202 };
}
