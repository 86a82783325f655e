import type { CallAutomationClient, AnswerCallOptions } from '@azure/communication-call-automation';
import type { Config } from '../config';
import type { FlowSet } from '../flows/flowSchema';
import type { RouteDecision, RouteRequest } from './routeCall';
import type { CallClaims } from './callClaims';
import { callbackUri, createCallSession, type CallSession } from './callSession';
import { callIdFor } from './callIdFor';
import { mediaTokenFor, mediaTokenHashOf } from './mediaToken';
import { addressOf } from '../acs/identifiers';
import { parseIncomingCall } from './incomingCallEvent';

export interface IncomingCallDeps {
  config: Config;
  flows: FlowSet;
  route: (request: RouteRequest) => RouteDecision;
  claims: CallClaims;
  client: CallAutomationClient;
  /** The per-call secret of the call's callback URL. */
  callbackSecret: (callId: string) => Promise<string>;
  /** Seals the caller's number for the call's orchestration (calls/sealedValues.ts). */
  seal: (value: string) => Promise<string>;
  /** Calls ACS has connected, for the orphan sweep (orphanSweep.ts). */
  liveCalls: { add(callId: string, callConnectionId: string): Promise<void> };
  /** Calls in progress, for flows that cap them; omit when no flow does. */
  activeCalls?: {
    count(flows: string[]): Promise<Record<string, number>>;
    add(flow: string, callId: string): Promise<void>;
    remove(flow: string, callId: string): Promise<void>;
  };
  /** The capped flows a call to this number can reach (routing works them out once per flow set). */
  cappedFlowsReached?: (dialled: string) => string[];
  /** Starts the call's orchestration (instance id = callId) with the session as input. */
  startFlow: (callId: string, session: CallSession) => Promise<void>;
  /** Ends an orchestration whose call could not be answered. */
  cancelFlow: (callId: string, reason: string) => Promise<void>;
  now?: () => Date;
}

export type IncomingCallOutcome =
  | { outcome: 'answered'; callId: string; flow: string; connectionRecorded: boolean }
  | { outcome: 'redirected' | 'rejected'; callId: string; why: string }
  | { outcome: 'duplicate'; callId: string };

/**
 * Routes and acts on one IncomingCall: exactly one action per call however often the event comes,
 * because the call is claimed in storage before any action; the orchestration exists before :answer, so no
 * callback can arrive for a call that has none.
 */
export async function handleIncomingCall(data: unknown, deps: IncomingCallDeps): Promise<IncomingCallOutcome> {
  const call = parseIncomingCall(data, deps.now?.());
  const callId = callIdFor(call.serverCallId);
  const capped = deps.cappedFlowsReached?.(addressOf(call.to)) ?? [];
  const activeCalls = capped.length && deps.activeCalls ? await deps.activeCalls.count(capped) : undefined;
  const decision = deps.route({
    to: addressOf(call.to),
    from: addressOf(call.from),
    now: deps.now?.() ?? new Date(),
    activeCalls,
  });

  const flow = decision.action === 'answer' ? deps.flows.flows[decision.flow] : undefined;
  const mediaToken = mediaTokenFor(call.incomingCallContext, call.serverCallId);
  const session: CallSession | undefined =
    decision.action === 'answer'
      ? createCallSession({
          callId,
          direction: 'inbound',
          serverCallId: call.serverCallId,
          callerId: await deps.seal(call.from.rawId),
          dialled: addressOf(call.to),
          flowName: decision.flow,
          flow: flow!,
          startStep: decision.startStep,
          mediaTokenHash: mediaTokenHashOf(mediaToken),
          connect: deps.config.callConnect,
        })
      : undefined;

  // The claim comes first and alone decides who acts: a duplicate, however late (the call may be over and its
  // orchestration finished), starts nothing. Durable's startNew restarts a finished instance with the same id,
  // so starting on a duplicate would replace a finished call's record with a new, never-answered one.
  const claimed = await deps.claims.claim({
    callId,
    action: decision.action,
    flow: decision.action === 'answer' ? decision.flow : undefined,
    why: decision.why,
  });
  if (!claimed) return { outcome: 'duplicate', callId };

  try {
    if (decision.action === 'reject') {
      await deps.client.rejectCall(call.incomingCallContext, { callRejectReason: decision.reason });
      return { outcome: 'rejected', callId, why: decision.why };
    }
    if (decision.action === 'redirect') {
      await deps.client.redirectCall(call.incomingCallContext, {
        targetParticipant: { phoneNumber: decision.target },
      });
      return { outcome: 'redirected', callId, why: decision.why };
    }
    await deps.startFlow(callId, session!);
  } catch (error) {
    // Nothing was started: give the claim back so a redelivery can act on the call.
    await deps.claims.release(callId).catch(() => undefined);
    throw error;
  }
  if (capped.includes(decision.flow)) await deps.activeCalls?.add(decision.flow, callId);

  let answered;
  try {
    answered = await deps.client.answerCall(
      call.incomingCallContext,
      callbackUri(deps.config.callbackBaseUrl, callId, await deps.callbackSecret(callId)),
      answerOptions(deps.config, flow!, callId, mediaToken),
    );
  } catch (error) {
    // Nothing answered: end the orchestration and give the claim back, so Event Grid's redelivery (the ring lasts
    // 30 s) answers the call. Had ACS answered after all (a timeout), the redelivery's answer is refused and the
    // answered call is hung up at its first callback, its orchestration not running.
    await deps.cancelFlow(callId, 'answer failed').catch(() => undefined);
    if (capped.includes(decision.flow)) await deps.activeCalls?.remove(decision.flow, callId).catch(() => undefined);
    await deps.claims.release(callId).catch(() => undefined);
    throw error;
  }
  // After the answer, never before it: the orchestration reads it to ask ACS about the call if CallConnected is
  // lost, and the orphan sweep to hang the call up if its orchestration ends early. Failing to keep it must not
  // fail the delivery (a retry would find the claim taken and do nothing); the call then still connects as usual,
  // only a lost CallConnected can no longer be recovered, nor the call hung up before its next callback.
  const callConnectionId = answered.callConnectionProperties.callConnectionId;
  const kept = (write: Promise<void>) =>
    write.then(
      () => true,
      () => false,
    );
  const connectionRecorded = callConnectionId
    ? (
        await Promise.all([
          kept(deps.claims.recordConnection(callId, callConnectionId)),
          kept(deps.liveCalls.add(callId, callConnectionId)),
        ])
      ).every(Boolean)
    : false;
  return { outcome: 'answered', callId, flow: decision.flow, connectionRecorded };
}

function answerOptions(
  config: Config,
  flow: FlowSet['flows'][string],
  callId: string,
  mediaToken: string,
): AnswerCallOptions {
  const options: AnswerCallOptions = { operationContext: `answer:${callId}` };
  if (config.cognitiveServicesEndpoint)
    options.callIntelligenceOptions = { cognitiveServicesEndpoint: config.cognitiveServicesEndpoint };
  const hasVoiceAgent = Object.values(flow.steps).some((step) => 'voiceAgent' in step);
  if (hasVoiceAgent && config.mediaBridgeUrl) {
    // Streaming is set up at answer but started only when the flow reaches its voiceAgent step.
    options.mediaStreamingOptions = {
      transportType: 'websocket',
      transportUrl: `${config.mediaBridgeUrl}?callId=${encodeURIComponent(callId)}&token=${mediaToken}`,
      contentType: 'audio',
      audioChannelType: 'mixed',
      startMediaStreaming: false,
      enableBidirectional: true,
      audioFormat: 'pcm24KMono',
    };
  }
  if (flow.transcription && config.mediaBridgeUrl) {
    // ACS streams what callers say as text to the bridge, which writes the live transcript for insights. The call's
    // media token binds this stream to the call, as it binds the audio stream.
    options.transcriptionOptions = {
      transportType: 'websocket',
      transportUrl: `${config.mediaBridgeUrl}?callId=${encodeURIComponent(callId)}&kind=transcription&token=${mediaToken}`,
      locale: flow.transcription.locale,
      startTranscription: true,
    };
  }
  return options;
}
