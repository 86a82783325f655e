// Shared set-up: a fast emulator (simulated time x0.01) and the sinks, closed together.
import type { AnswerCallOptions, CallAutomationClient, CallConnection } from '@azure/communication-call-automation';
import { type AcsEmulator, type AcsEmulatorOptions } from '../../src/index';
import { startAcsEmulatorChecked as startAcsEmulator } from './checkedEmulator';
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
    // Inbound calls ring long enough (10 s real) for a loaded machine to answer them.
    incomingCallTimeoutMs: 1_000_000,
    deliveryTimeoutMs: 2_000,
    eventGridDeliveryTimeoutMs: 2_000,
    eventGridRetryDelaysMs: [1_000, 2_000],
    ...options,
    subscriptions: [
      {
        endpoint: eventGrid.url,
        eventTypes: [
          'Microsoft.Communication.IncomingCall',
          'Microsoft.Communication.SMSReceived',
          'Microsoft.Communication.SMSDeliveryReportReceived',
          'Microsoft.Communication.ChatMessageReceivedInThread',
          'Microsoft.Communication.ChatMessageReceived',
          'Microsoft.Communication.RecordingFileStatusUpdated',
        ],
      },
      ...(options.subscriptions ?? []),
    ],
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

export interface AnsweredCall {
  serverCallId: string;
  callConnectionId: string;
  connection: CallConnection;
}

/** Places a call from the world, answers it from Event Grid's IncomingCall and waits for CallConnected. */
export async function answerIncomingCall(
  fx: Fixture,
  client: CallAutomationClient,
  options: AnswerCallOptions = {},
  callbackUrl = fx.callbacks.url,
  from = CALLER,
): Promise<AnsweredCall> {
  const placed = await fx.acs.control.placeCall({ from, to: SUPPORT_LINE, callerDisplayName: 'Test caller' });
  const incoming = await fx.eventGrid.waitForMatch(
    'Microsoft.Communication.IncomingCall',
    (e) => e.data.serverCallId === placed.serverCallId,
  );
  const result = await client.answerCall(String(incoming.data.incomingCallContext), callbackUrl, options);
  const callConnectionId = result.callConnectionProperties.callConnectionId!;
  // Delivered (not only sent), so tests that count callbacks start from a settled call.
  await fx.acs.control.waitFor({ kind: 'callbackDelivery', type: 'ParticipantsUpdated', callConnectionId });
  return { serverCallId: placed.serverCallId, callConnectionId, connection: result.callConnection };
}
