// One conversation as analytics sees it: written once when the conversation ends (keyed by its id), then
// enriched once by its redacted summary. Holds no phone number: the customer is an HMAC of their address.

export type AnnotationChannel = 'call' | 'sms' | 'chat' | 'whatsapp';

/** How a conversation was handled (docs/insights.md defines each). */
export type Handling = 'contained' | 'transferred' | 'voicemail' | 'abandoned' | 'failed';

export const HANDLINGS: readonly Handling[] = ['contained', 'transferred', 'voicemail', 'abandoned', 'failed'];

export type AnnotationSentiment = 'positive' | 'neutral' | 'negative' | 'mixed';

/** What the summary pipeline found in the conversation's redacted text. */
export interface AnnotationSummary {
  language: string;
  topics: string[];
  sentiment: AnnotationSentiment;
  sentimentScore: number;
  /** Redacted: what the customer wanted, what was done, what was promised. */
  issue: string;
  resolution: string;
  followUps: string[];
  resolved: boolean;
}

export interface ConversationAnnotation {
  conversationId: string;
  channel: AnnotationChannel;
  /** The flow (calls) or messaging agent (messages) that handled it. */
  line: string;
  /** The business side: the number dialled or texted, the WhatsApp channel id, the chat thread id. */
  address?: string;
  /** HMAC-SHA256 of the customer's normalised address (customerHash.ts); absent when unknown. */
  customer?: string;
  startedAt: string;
  durationMs: number;
  handling: Handling;
  /** transferred: the step (queue or line) it went to, never the person's number. */
  transferredTo?: string;
  /** abandoned: the step the customer gave up at. */
  abandonedAt?: string;
  /** failed: why, in a word (an outcome name). */
  failure?: string;
  /** Calls: the steps taken, oldest first (the most recent 20). */
  path?: string[];
  /** Calls: from the transfer request to the person accepting it. */
  waitForPersonMs?: number;
  /** Calls: from the start of the call to a person accepting it. */
  toPersonMs?: number;
  /** Added once the conversation's summary is made. */
  summary?: AnnotationSummary;
}
