// Advanced Messaging (WhatsApp) state: the resource's channel registrations with their approved templates,
// every message in and out with its delivery status, media received from users, and each user's last
// message per channel (which opens WhatsApp's 24-hour customer-service window).

export interface ApprovedTemplate {
  name: string;
  language: string;
  /** How many {{n}} parameters the template body takes. */
  bodyParameters: number;
  /** The body, {{1}}... replaced by the bound values when it is "delivered". */
  body: string;
}

export interface AdvancedMessageRecord {
  messageId: string;
  direction: 'inbound' | 'outbound';
  channelRegistrationId: string;
  /** The WhatsApp user (E.164). */
  user: string;
  kind: string;
  /** Text as the user reads it (templates rendered). */
  content?: string;
  template?: string;
  mediaId?: string;
  status: 'received' | 'accepted' | 'sent' | 'delivered' | 'failed';
  error?: { channelCode: string; channelMessage: string };
  time: string;
}

/** The channel every sandbox resource has, so flows and tests can name it. */
export const SANDBOX_WHATSAPP_CHANNEL = '5f5b2a0e-8c6b-4b7a-9a43-0b7c2f1d9e11';

export const SANDBOX_TEMPLATES: ApprovedTemplate[] = [
  {
    name: 'contoso_follow_up',
    language: 'en_US',
    bodyParameters: 1,
    body: 'Hello from Contoso. About your recent contact: {{1}} Reply to this message to continue.',
  },
  { name: 'contoso_hello', language: 'en_US', bodyParameters: 0, body: 'Hello from Contoso! Reply to talk to us.' },
];

/** WhatsApp's customer-service window: free-form messages only within 24 hours of the user's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

export class MessagesStore {
  readonly messages: AdvancedMessageRecord[] = [];
  readonly channels = new Map<string, ApprovedTemplate[]>([[SANDBOX_WHATSAPP_CHANNEL, SANDBOX_TEMPLATES]]);
  private readonly media = new Map<string, { mimeType: string; bytes: Buffer }>();
  private readonly lastInbound = new Map<string, number>();

  private windowKey(channel: string, user: string): string {
    return `${channel}|${user}`;
  }

  userWrote(channel: string, user: string, at: number): void {
    this.lastInbound.set(this.windowKey(channel, user), at);
  }

  /** True while the user's last message to the channel is less than 24 hours old. */
  windowOpen(channel: string, user: string, now: number): boolean {
    const last = this.lastInbound.get(this.windowKey(channel, user));
    return last !== undefined && now - last < SERVICE_WINDOW_MS;
  }

  /** Moves the user's last message back in time (the control API's stand-in for a day passing). */
  age(channel: string, user: string, ms: number): void {
    const key = this.windowKey(channel, user);
    const last = this.lastInbound.get(key);
    if (last !== undefined) this.lastInbound.set(key, last - ms);
  }

  putMedia(id: string, mimeType: string, bytes: Buffer): void {
    this.media.set(id, { mimeType, bytes });
  }

  getMedia(id: string): { mimeType: string; bytes: Buffer } | undefined {
    return this.media.get(id);
  }

  find(messageId: string): AdvancedMessageRecord | undefined {
    return this.messages.find((m) => m.messageId === messageId);
  }
}
