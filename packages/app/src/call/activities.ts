import { activityFailureMessage } from './activityFailure';
import type {
  CallAutomationClient,
  CallMediaRecognizeChoiceOptions,
  CallMediaRecognizeDtmfOptions,
  CallMediaRecognizeSpeechOptions,
  CallMediaRecognizeSpeechOrDtmfOptions,
  DtmfTone,
  FileSource,
  SsmlSource,
  TextSource,
} from '@azure/communication-call-automation';
import type { SmsClient } from '@azure/communication-sms';
import {
  createIdentifierFromRawId,
  type CommunicationIdentifier,
  type PhoneNumberIdentifier,
} from '@azure/communication-common';
import { RestError } from '@azure/core-rest-pipeline';
import type { Config } from '../config';
import { RemoteServiceError, ValidationError } from '@switchboard/core/errors';
import { phoneNumberOf } from '../acs/identifiers';
import { firstDisallowed } from '../api/outboundPolicy';
import { testValue } from '../flows/evaluateCondition';
import { E164 } from '../flows/patterns';
import {
  type AddParticipantInput,
  type CallConnectionCheck,
  type GetCallConnectionInput,
  type CreateCallInput,
  type CreateCallOutput,
  type ReleaseCallInput,
  type HangUpInput,
  type PlayInput,
  type PlaySource,
  type RecognizeInput,
  type SendSmsInput,
  type SendSmsOutput,
  type StartMediaStreamingInput,
  type StartRecordingInput,
  type StartRecordingOutput,
  type StopMediaStreamingInput,
  type StopRecordingInput,
  type TestCallerInput,
  type TransferInput,
} from './activityTypes';
import { callbackUri } from './callSession';
import { ActivityNames, type ActivityName } from './names';

export interface CallActivityDeps {
  config: Config;
  client: CallAutomationClient;
  sms: SmsClient;
  /** The per-call secret of the call's callback URL. */
  callbackSecret: (callId: string) => Promise<string>;
  /** The SMS opt-out list (STOP); sending to an opted-out number is skipped. */
  isOptedOut?: (phoneNumber: string) => Promise<boolean>;
  /** Calls in progress of the flows that cap them. */
  activeCalls: { remove(flow: string, callId: string): Promise<void> };
  /**
   * Prompts already sent, by call connection and operationContext. ACS has no Repeatability for play and
   * recognize, and an activity runs again when the host fails before its result is saved: without this the
   * caller would hear the prompt twice. A prompt recorded but never sent (a crash in between) is recovered by
   * the wait for its outcome, which asks again.
   */
  promptsSent: { first(key: string): Promise<boolean>; release(key: string): Promise<void> };
  /** The call connection id an inbound call's :answer returned (kept on its claim). */
  connectionOf: (callId: string) => Promise<string | undefined>;
  /** Opens a value the app sealed (a caller's number in a call's orchestration); plain values pass as they are. */
  open: (value: string) => Promise<string>;
  /** Calls ACS has connected, for the orphan sweep (calls/orphanSweep.ts). */
  liveCalls: { add(callId: string, callConnectionId: string): Promise<void> };
}

type Activity = (input: never) => Promise<unknown>;

/** Every activity of the call workflow: name (names.ts) -> handler. */
export function createCallActivities(deps: CallActivityDeps): Record<ActivityName, Activity> {
  const { client, config } = deps;
  const media = (callConnectionId: string) => client.getCallConnection(callConnectionId).getCallMedia();
  /** Sends a prompt unless this very request (connection + operationContext) was sent before. */
  const once = async (input: { callConnectionId: string; operationContext: string }, send: () => Promise<unknown>) => {
    const key = `${input.callConnectionId} ${input.operationContext}`;
    if (!(await deps.promptsSent.first(key))) return;
    try {
      await send();
    } catch (error) {
      // Not sent: a retry of the activity must send it.
      await deps.promptsSent.release(key);
      throw error;
    }
  };
  return {
    [ActivityNames.play]: (input: PlayInput) =>
      once(input, () =>
        acs('play', () =>
          media(input.callConnectionId).playToAll(input.sources.map(toPlaySource), {
            operationContext: input.operationContext,
          }),
        ),
      ),
    [ActivityNames.recognize]: async (input: RecognizeInput) => {
      const target = identifier(await deps.open(input.targetParticipant));
      await once(input, () =>
        acs('recognize', () => media(input.callConnectionId).startRecognizing(target, recognizeOptions(input))),
      );
    },
    [ActivityNames.transfer]: async (input: TransferInput) => {
      const target = await allowedTarget(input.target, false);
      await acs('transfer', () =>
        client.getCallConnection(input.callConnectionId).transferCallToParticipant(identifier(target), {
          operationContext: input.operationContext,
          sourceCallIdNumber: input.sourceCallerId ? phone(input.sourceCallerId) : undefined,
        }),
      );
    },
    [ActivityNames.addParticipant]: async (input: AddParticipantInput) => {
      const target = await allowedTarget(input.target, false);
      await acs('addParticipant', () =>
        client.getCallConnection(input.callConnectionId).addParticipant(
          {
            targetParticipant: identifier(target) as PhoneNumberIdentifier,
            sourceCallIdNumber: input.sourceCallerId ? phone(input.sourceCallerId) : undefined,
          },
          { operationContext: input.operationContext, invitationTimeoutInSeconds: input.invitationTimeoutSeconds },
        ),
      );
    },
    [ActivityNames.startRecording]: async (input: StartRecordingInput): Promise<StartRecordingOutput> => {
      const result = await acs('startRecording', () =>
        client.getCallRecording().start({
          callLocator: { id: input.serverCallId, kind: 'serverCallLocator' },
          recordingContent: input.content,
          recordingChannel: input.channel,
          recordingFormat: input.format,
        }),
      );
      return { recordingId: result.recordingId };
    },
    [ActivityNames.stopRecording]: (input: StopRecordingInput) =>
      acs('stopRecording', () => client.getCallRecording().stop(input.recordingId)),
    [ActivityNames.startMediaStreaming]: (input: StartMediaStreamingInput) =>
      acs('startMediaStreaming', () =>
        media(input.callConnectionId).startMediaStreaming({ operationContext: input.operationContext }),
      ),
    [ActivityNames.stopMediaStreaming]: (input: StopMediaStreamingInput) =>
      acs('stopMediaStreaming', () =>
        media(input.callConnectionId).stopMediaStreaming({ operationContext: input.operationContext }),
      ),
    [ActivityNames.hangUp]: async (input: HangUpInput) => {
      try {
        await client.getCallConnection(input.callConnectionId).hangUp(input.forEveryone);
      } catch (error) {
        // The caller may have gone first: a call that no longer exists is hung up.
        if (!(error instanceof RestError && error.statusCode === 404)) throw toRemoteError('hangUp', error);
      }
    },
    [ActivityNames.getCallConnection]: async (input: GetCallConnectionInput): Promise<CallConnectionCheck> => {
      const callConnectionId = input.callConnectionId || (await deps.connectionOf(input.callId));
      if (!callConnectionId) return { state: 'unanswered' };
      let properties;
      try {
        properties = await client.getCallConnection(callConnectionId).getCallConnectionProperties();
      } catch (error) {
        // ACS forgets an ended call: 404 (8522) is a call that is gone.
        if (error instanceof RestError && error.statusCode === 404) return { state: 'gone', callConnectionId };
        throw toRemoteError('getCallConnection', error);
      }
      return {
        state: connectionState(properties.callConnectionState),
        callConnectionId,
        serverCallId: properties.serverCallId,
      };
    },
    [ActivityNames.sendSms]: async (input: SendSmsInput): Promise<SendSmsOutput> => {
      const to = phoneNumberOf(await deps.open(input.to));
      // A caller without a phone number (an ACS user, a withheld number) cannot get a text.
      if (!E164.test(to) || (await deps.isOptedOut?.(to))) return { sent: false };
      const [result] = await acs('sendSms', () =>
        deps.sms.send(
          { from: input.from, to: [to], message: input.message },
          { enableDeliveryReport: true, tag: input.tag },
        ),
      );
      if (!result.successful)
        throw new RemoteServiceError(
          `SMS was not accepted: ${result.errorMessage ?? `status ${result.httpStatusCode}`}`,
          { status: result.httpStatusCode },
        );
      return { sent: true, messageId: result.messageId };
    },
    [ActivityNames.createCall]: async (input: CreateCallInput): Promise<CreateCallOutput> => {
      const target = await allowedTarget(input.target, true);
      const secret = await deps.callbackSecret(input.callId);
      const result = await acs('createCall', () =>
        client.createCall(
          {
            targetParticipant: identifier(target) as PhoneNumberIdentifier,
            sourceCallIdNumber: phone(input.sourceCallerId),
          },
          callbackUri(config.callbackBaseUrl, input.callId, secret),
          {
            operationContext: `create:${input.callId}`,
            callIntelligenceOptions: config.cognitiveServicesEndpoint
              ? { cognitiveServicesEndpoint: config.cognitiveServicesEndpoint }
              : undefined,
          },
        ),
      );
      const callConnectionId = result.callConnectionProperties.callConnectionId;
      // Best effort: failing it must not fail a call ACS has placed (a retry would dial again); such a call is
      // then hung up at its next callback rather than by the sweep, should its orchestration end early.
      if (callConnectionId) await deps.liveCalls.add(input.callId, callConnectionId).catch(() => undefined);
      return { callConnectionId };
    },
    [ActivityNames.releaseCall]: (input: ReleaseCallInput) => deps.activeCalls.remove(input.flow, input.callId),
    [ActivityNames.testCaller]: async (input: TestCallerInput): Promise<boolean[]> => {
      const caller = phoneNumberOf(await deps.open(input.caller));
      return input.tests.map((test) => testValue(test, caller));
    },
  };

  /**
   * Opens a destination and checks it against OUTBOUND_ALLOWED_PREFIXES again, whoever started the orchestration
   * (the API checks first; this holds when something else starts one). A phone number must be allowed; `phoneOnly`
   * refuses any other identifier too (createCall dials numbers only).
   */
  async function allowedTarget(sealedOrPlain: string, phoneOnly: boolean): Promise<string> {
    const target = await deps.open(sealedOrPlain);
    const number = phoneNumberOf(target);
    const isPhone = number.startsWith('+');
    if ((isPhone || phoneOnly) && firstDisallowed([number], config.api.allowedPrefixes) !== undefined)
      throw new ValidationError('The destination is not under OUTBOUND_ALLOWED_PREFIXES: no call was placed to it.');
    return target;
  }
}

/** Runs one ACS request, turning its failure into a RemoteServiceError that says whether a retry may help. */
async function acs<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toRemoteError(operation, error);
  }
}

function toRemoteError(operation: string, error: unknown): RemoteServiceError {
  const status = error instanceof RestError ? error.statusCode : undefined;
  const code = error instanceof RestError ? error.code : undefined;
  const retryable = status === undefined || status === 429 || status >= 500;
  // The orchestration retries only failures whose envelope says so (ACS says a retry is safe for these).
  const failure = { code: `acs.${operation}.${status ?? 'unreachable'}`, retryable };
  return new RemoteServiceError(
    activityFailureMessage(
      failure,
      `ACS ${operation} failed${status ? ` (${status}${code ? ` ${code}` : ''})` : ''}: ${(error as Error).message}`,
    ),
    {
      status,
      retryable,
      cause: error,
    },
  );
}

/** ACS's CallConnectionState as the connect phase reads it: up (the flow may run), on its way, or over. */
function connectionState(state: string | undefined): CallConnectionCheck['state'] {
  switch (state) {
    case 'connected':
    case 'transferring':
    case 'transferAccepted':
      return 'connected';
    case 'disconnecting':
    case 'disconnected':
      return 'gone';
    default:
      // connecting, unknown (or a state newer than this code): not up yet.
      return 'connecting';
  }
}

function identifier(rawIdOrNumber: string): CommunicationIdentifier {
  return /^\+\d+$/.test(rawIdOrNumber) ? { phoneNumber: rawIdOrNumber } : createIdentifierFromRawId(rawIdOrNumber);
}

function phone(number: string): PhoneNumberIdentifier {
  return { phoneNumber: phoneNumberOf(number) };
}

function toPlaySource(source: PlaySource): FileSource | TextSource | SsmlSource {
  if (source.kind === 'text')
    return { kind: 'textSource', text: source.text, voiceName: source.voiceName, sourceLocale: source.locale };
  if (source.kind === 'ssml') return { kind: 'ssmlSource', ssmlText: source.ssml };
  return { kind: 'fileSource', url: source.url };
}

function recognizeOptions(
  input: RecognizeInput,
):
  | CallMediaRecognizeDtmfOptions
  | CallMediaRecognizeChoiceOptions
  | CallMediaRecognizeSpeechOptions
  | CallMediaRecognizeSpeechOrDtmfOptions {
  const common = {
    playPrompts: input.prompts.map(toPlaySource),
    interruptPrompt: input.interruptPrompt,
    initialSilenceTimeoutInSeconds: input.initialSilenceTimeoutSeconds,
    operationContext: input.operationContext,
  };
  const dtmf = input.dtmf && {
    maxTonesToCollect: input.dtmf.maxTones,
    stopDtmfTones: input.dtmf.stopTones as DtmfTone[],
    interToneTimeoutInSeconds: input.dtmf.interToneTimeoutSeconds,
  };
  switch (input.inputType) {
    case 'dtmf':
      return { kind: 'callMediaRecognizeDtmfOptions', ...common, ...dtmf };
    case 'choices':
      return {
        kind: 'callMediaRecognizeChoiceOptions',
        ...common,
        choices: (input.choices ?? []).map((c) => ({
          label: c.label,
          phrases: c.phrases,
          tone: c.tone as DtmfTone | undefined,
        })),
        speechLanguage: input.speechLanguage,
      };
    case 'speech':
      return { kind: 'callMediaRecognizeSpeechOptions', ...common, speechLanguage: input.speechLanguage };
    case 'speechOrDtmf':
      return {
        kind: 'callMediaRecognizeSpeechOrDtmfOptions',
        ...common,
        ...dtmf,
        speechLanguage: input.speechLanguage,
      };
  }
}
