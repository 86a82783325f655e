// SMS sent by the app (what the PSTN world received) and inbound messages, plus repeatability per recipient.

export interface SmsRecord {
  messageId: string;
  direction: 'outbound' | 'inbound';
  from: string;
  to: string;
  message: string;
  time: string;
  tag?: string;
}

export class SmsStore {
  readonly messages: SmsRecord[] = [];
  private readonly byRepeatabilityId = new Map<string, string>();

  add(record: SmsRecord): void {
    this.messages.push(record);
  }

  /** The message id already sent for this repeatability id, if any. */
  repeated(id: string | undefined): string | undefined {
    return id ? this.byRepeatabilityId.get(id) : undefined;
  }

  remember(id: string | undefined, messageId: string): void {
    if (id) this.byRepeatabilityId.set(id, messageId);
  }
}
