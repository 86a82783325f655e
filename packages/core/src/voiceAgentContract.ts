import { z } from 'zod';

// The contract between the media bridge and the app's routes for it: the voice-agent route (GET/POST
// /api/calls/{callId}/voice-agent: the agent the bridge runs, and what it reports back) and the media route
// (/api/calls/{callId}/media: a stream's admission, the call's state, the hang-up of an orphaned call).

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
  /** The flow step the agent belongs to: the bridge stops it when the call has moved on. */
  step?: string;
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

/** The two streams ACS opens to the bridge. */
export const MEDIA_KINDS = ['audio', 'transcription'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** What the bridge asks before it accepts a stream (POST /api/calls/{callId}/media), its ACS token verified. */
export const mediaConnectionSchema = z.strictObject({
  kind: z.enum(MEDIA_KINDS),
  /** The ACS token's replay id (tokenReplayId): a token opens one stream, and none once used elsewhere. */
  tokenId: z.string().regex(/^[\w-]{43}$/, 'must be a token replay id (43 base64url characters)'),
  /** The token's `exp`, in seconds since 1970. */
  expiresAt: z.number().int().positive(),
  /** ACS's `x-ms-call-connection-id` upgrade header, when it came: checked against the call's connection. */
  callConnectionId: z.string().min(1).max(200).optional(),
});
export type MediaConnection = z.infer<typeof mediaConnectionSchema>;

/** The call as the bridge sees it (GET /api/calls/{callId}/media): whether its orchestration runs, and where. */
export interface MediaCallState {
  running: boolean;
  step?: string;
}
