// Shared set-up: a fast emulator (simulated time x0.01) and the sinks, closed together.
import { startAcsEmulator, type AcsEmulator, type AcsEmulatorOptions } from '../../../sandbox/acs/index';
import { CallbackSink } from './callbackSink';
import { EventGridSink } from './eventGridSink';

export const CALLER = '+14255550100';
export const SUPPORT_LINE = '+18005550100';
export const AGENT = '+18005550111';

export interface Fixture {
  acs: AcsEmulator;
  callbacks: CallbackSink;
  eventGrid: EventGridSink;
  close(): Promise<void>;
}

export async function startFixture(options: AcsEmulatorOptions = {}): Promise<Fixture> {
  const callbacks = await new CallbackSink().start();
  const eventGrid = await new EventGridSink().start();
  const acs = await startAcsEmulator({
    timeScale: 0.01,
    deliveryTimeoutMs: 2_000,
    eventGridRetryDelaysMs: [1_000, 2_000],
    ...options,
    subscriptions: [{ endpoint: eventGrid.url, eventTypes: ['Microsoft.Communication.IncomingCall', 'Microsoft.Communication.SMSReceived', 'Microsoft.Communication.SMSDeliveryReportReceived', 'Microsoft.Communication.ChatMessageReceivedInThread', 'Microsoft.Communication.ChatMessageReceived'] }, ...(options.subscriptions ?? [])],
  });
  return {
    acs,
    callbacks,
    eventGrid,
    close: async () => {
      await acs.close();
      await callbacks.close();
      await eventGrid.close();
    },
  };
}
