import { z } from 'zod';

// The contract between the media bridge and the app's voice-agent route (GET/POST
// /api/calls/{callId}/voice-agent): the agent the bridge runs, and what it reports back.

/** An HTTP tool a flow declares for its agent. */
export interface HttpTool {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  url: string;
  /** 'managedIdentity' gets a token for `scope` with the bridge's identity; 'none' sends none. */
  auth: 'managedIdentity' | 'none';
  scope?: string;
  timeoutMs: number;
}

/** What the bridge needs to run the agent of one voiceAgent step. */
export interface AgentConfig {
  callId: string;
  instructions: string;
  greeting?: string;
  /** An Azure voice name, e.g. en-US-AvaMultilingualNeural. */
  voice?: string;
  /** Whether the step has somewhere to hand the caller to. */
  canHandoff: boolean;
  tools: HttpTool[];
  /** How long the agent may talk, in ms. */
  maxMs: number;
}

export const REASON_CODE = /^[a-z0-9-]{1,60}$/;
const reason = z.string().regex(REASON_CODE, 'must be a reason code (lower-case letters, digits and -)');

/** What the bridge tells the call's orchestration. Reasons are codes, never transcript text. */
export const agentReportSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('started') }),
  z.strictObject({ type: z.literal('handoff'), reason }),
  z.strictObject({
    type: z.literal('ended'),
    reason,
    turns: z.number().int().nonnegative(),
    durationMs: z.number().int().nonnegative(),
  }),
  z.strictObject({ type: z.literal('failed'), reason }),
]);

export type AgentReport = z.infer<typeof agentReportSchema>;
