// The services of one emulator instance, passed to every handler (no module-level state).
import type { CallbackDispatcher } from './callAutomation/callbackDispatcher';
import type { CallFaults } from './callAutomation/callFaults';
import type { CallStore } from './callAutomation/callStore';
import type { ChatStore } from './chat/chatStore';
import type { EventGridPublisher } from './eventGrid/eventGridPublisher';
import type { IdentityStore } from './identity/identityStore';
import type { MediaStreams } from './media/mediaStreams';
import type { MessagesStore } from './messages/messagesStore';
import type { ResolvedOptions } from './options';
import type { RoomStore } from './rooms/roomStore';
import type { PstnWorld } from './pstn/pstnWorld';
import type { Scheduler } from './scheduler';
import type { SmsStore } from './sms/smsStore';
import type { Timeline } from './timeline';
import type { TokenSigner } from './tokenSigner';

export interface AcsContext {
  options: ResolvedOptions;
  endpoint: string;
  scheduler: Scheduler;
  timeline: Timeline;
  callbacks: CallbackDispatcher;
  /** Faults injected through the control API (lost callbacks, calls that never connect). */
  faults: CallFaults;
  eventGrid: EventGridPublisher;
  calls: CallStore;
  world: PstnWorld;
  callbackSigner: TokenSigner;
  identities: IdentityStore;
  chats: ChatStore;
  sms: SmsStore;
  /** Advanced Messaging (WhatsApp). */
  messages: MessagesStore;
  rooms: RoomStore;
  streams: MediaStreams;
}
