// Call connection operations: create, answer, redirect, reject, connect, get, hang up, terminate, transfer.
import { randomUUID } from 'node:crypto';
import type { AcsContext } from '../context';
import { acsErrors } from '../errors';
import { isE164, parseIdentifier, phoneIdentifier, userIdentifier, type IdentifierModel } from '../identifiers';
import type { Reply, RequestContext } from '../http/router';
import type { Call } from './call';
import { callbackUri, objectField, optionalString, requiredString } from './requestFields';

const CONNECT_DELAY_MS = 200;

function appIdentity(ctx: AcsContext): IdentifierModel {
  return userIdentifier(`8:acs:${ctx.options.immutableResourceId}_${randomUUID()}`);
}

/** Remembers media streaming / transcription options; emits their Started events once connected. */
function configureStreaming(call: Call, body: Record<string, unknown>): void {
  const media = objectField(body, 'mediaStreamingOptions');
  if (media) call.mediaStreaming = { options: media, active: false };
  const transcription = objectField(body, 'transcriptionOptions');
  if (transcription) call.transcription = { options: transcription, active: false };
}

function connected(ctx: AcsContext, call: Call, operationContext?: string): void {
  call.state = 'connected';
  call.emit('CallConnected', {
    operationContext,
    resultInformation: { code: 200, subCode: 0, message: 'Call connected.' },
  });
  call.participantsUpdated();
  if (call.mediaStreaming?.options.startMediaStreaming === true) {
    call.mediaStreaming.active = true;
    call.emit('MediaStreamingStarted', {
      operationContext,
      ...mediaStreamingUpdate('mediaStreamingStarted', 'subscriptionStarted'),
    });
    ctx.streams.startAudio(call, operationContext);
  }
  if (call.transcription?.options.startTranscription === true) {
    call.transcription.active = true;
    call.emit('TranscriptionStarted', {
      operationContext,
      ...transcriptionUpdate('transcriptionStarted', 'subscriptionStarted'),
    });
    ctx.streams.startTranscription(call, operationContext);
  }
}

export function mediaStreamingUpdate(status: string, details: string): Record<string, unknown> {
  return {
    mediaStreamingUpdate: { contentType: 'Audio', mediaStreamingStatus: status, mediaStreamingStatusDetails: details },
    resultInformation: { code: 200, subCode: 0, message: 'Action completed successfully.' },
  };
}

export function transcriptionUpdate(status: string, details: string): Record<string, unknown> {
  return {
    transcriptionUpdate: { transcriptionStatus: status, transcriptionStatusDetails: details },
    resultInformation: { code: 200, subCode: 0, message: 'Action completed successfully.' },
  };
}

function ringingCall(ctx: AcsContext, body: Record<string, unknown>): Call {
  const context = requiredString(body, 'incomingCallContext');
  const call = ctx.calls.byIncomingContext(context);
  if (!call) throw acsErrors.incomingCallNotFound();
  if (call.state !== 'ringing') throw acsErrors.callAlreadyAnswered();
  return call;
}

/** Why a room cannot be connected to now, or undefined when it can. */
function roomUnavailable(ctx: AcsContext, roomId: string): string | undefined {
  const room = ctx.rooms.find(roomId);
  if (!room) return 'Room not found.';
  const now = Date.now();
  if (now < room.validFrom.getTime() || now > room.validUntil.getTime()) return 'The room is not valid at this time.';
  return undefined;
}

export function callConnectionHandlers(ctx: AcsContext) {
  return {
    answer: (req: RequestContext): Reply => {
      const body = req.body;
      const uri = callbackUri(body)!;
      const call = ringingCall(ctx, body);
      const failure = ctx.faults.answerFailure(call);
      if (failure) throw failure;
      const operationContext = optionalString(body, 'operationContext');
      call.callbackUri = uri;
      call.appIdentity = appIdentity(ctx);
      call.addParticipant(call.appIdentity);
      configureStreaming(call, body);
      ctx.calls.connect(call, randomUUID());
      call.state = 'connecting';
      // A neverConnect fault (control API) leaves the answered call connecting, as a call ACS cannot set up.
      if (!ctx.faults.neverConnects(call)) call.after(CONNECT_DELAY_MS, () => connected(ctx, call, operationContext));
      return { status: 200, body: call.properties() };
    },

    redirect: (req: RequestContext): Reply => {
      const target = parseIdentifier(req.body.target, 'target');
      const call = ringingCall(ctx, req.body);
      call.state = 'disconnected';
      call.connectedTo = target;
      ctx.world.record('redirected', call);
      return { status: 204 };
    },

    reject: (req: RequestContext): Reply => {
      const reason = optionalString(req.body, 'callRejectReason') ?? 'none';
      if (!['none', 'busy', 'forbidden'].includes(reason))
        throw acsErrors.invalidBody("'callRejectReason' must be none, busy or forbidden.");
      const call = ringingCall(ctx, req.body);
      call.state = 'disconnected';
      ctx.world.record('rejected', call, { reason });
      return { status: 204 };
    },

    create: (req: RequestContext): Reply => {
      const body = req.body;
      const uri = callbackUri(body)!;
      const rawTargets = body.targets;
      if (!Array.isArray(rawTargets) || rawTargets.length === 0)
        throw acsErrors.invalidBody("'targets' must list at least one participant.");
      const targets = rawTargets.map((t, i) => parseIdentifier(t, `targets[${i}]`));
      const sourceNumber = (objectField(body, 'sourceCallerIdNumber') as { value?: unknown } | undefined)?.value;
      if (sourceNumber !== undefined && !isE164(sourceNumber))
        throw acsErrors.invalidPhoneNumber('sourceCallerIdNumber');
      if (targets.some((t) => t.kind === 'phoneNumber') && sourceNumber === undefined)
        throw acsErrors.missingSourceCallerId();
      const operationContext = optionalString(body, 'operationContext');
      const app = appIdentity(ctx);
      const caller = typeof sourceNumber === 'string' ? phoneIdentifier(sourceNumber) : app;
      const call = ctx.world.newCall('outbound', caller, targets[0]);
      call.callbackUri = uri;
      call.appIdentity = app;
      call.sourceCallerIdNumber = typeof sourceNumber === 'string' ? phoneIdentifier(sourceNumber) : undefined;
      call.sourceDisplayName = optionalString(body, 'sourceDisplayName');
      call.addParticipant(app);
      configureStreaming(call, body);
      call.state = 'connecting';
      ctx.calls.add(call);
      ctx.calls.connect(call, randomUUID());
      ctx.world.record('outboundCall', call, { targets: targets.length });
      let failures = 0;
      for (const target of targets) {
        const fail = (code: number, subCode: number, message: string): void => {
          failures += 1;
          if (failures === targets.length && call.state === 'connecting') {
            call.emit('CreateCallFailed', { operationContext, resultInformation: { code, subCode, message } });
            call.state = 'disconnected';
          }
        };
        ctx.world.ring(call, target, {
          onAnswer: () => {
            if (call.state === 'disconnected') return;
            call.addParticipant(target);
            if (call.state === 'connecting') connected(ctx, call, operationContext);
            else call.participantsUpdated();
          },
          onReject: () => fail(603, 560603, 'The callee declined the call.'),
          onTimeout: () => fail(408, 560408, 'The callee did not answer.'),
        });
      }
      return { status: 201, body: call.properties() };
    },

    connect: (req: RequestContext): Reply => {
      const body = req.body;
      const uri = callbackUri(body)!;
      const locator = objectField(body, 'callLocator');
      if (!locator) throw acsErrors.invalidBody("'callLocator' is required.");
      const operationContext = optionalString(body, 'operationContext');
      const serverCallId = typeof locator.serverCallId === 'string' ? locator.serverCallId : undefined;
      const roomId = typeof locator.roomId === 'string' ? locator.roomId : undefined;
      const groupId = locator.groupCallId ?? roomId;
      if (!serverCallId && typeof groupId !== 'string')
        throw acsErrors.invalidBody("'callLocator' needs a serverCallId, groupCallId or roomId.");
      const existing = serverCallId ? ctx.calls.byServerCall(serverCallId) : undefined;
      const app = appIdentity(ctx);
      const call =
        existing && !existing.callConnectionId && existing.state !== 'disconnected'
          ? existing
          : ctx.world.newCall('outbound', app, app);
      call.callbackUri = uri;
      call.appIdentity = app;
      call.roomId = roomId;
      call.addParticipant(app);
      configureStreaming(call, body);
      if (call !== existing) ctx.calls.add(call);
      ctx.calls.connect(call, randomUUID());
      call.state = 'connecting';
      const failure =
        serverCallId && call !== existing ? 'Call not found.' : roomId ? roomUnavailable(ctx, roomId) : undefined;
      if (failure) {
        call.after(CONNECT_DELAY_MS, () => {
          call.emit('ConnectFailed', {
            operationContext,
            resultInformation: { code: 404, subCode: 8522, message: failure },
          });
          call.state = 'disconnected';
        });
      } else {
        call.after(CONNECT_DELAY_MS, () => connected(ctx, call, operationContext));
      }
      return { status: 200, body: call.properties() };
    },

    get: (req: RequestContext): Reply => {
      return { status: 200, body: ctx.calls.live(req.params[0]).properties() };
    },

    hangUp: (req: RequestContext): Reply => {
      const call = ctx.calls.live(req.params[0]);
      ctx.world.record('appHungUp', call);
      call.state = call.state === 'connecting' ? 'disconnecting' : call.state;
      call.disconnect('The application hung up.');
      return { status: 204 };
    },

    terminate: (req: RequestContext): Reply => {
      const call = ctx.calls.live(req.params[0]);
      ctx.world.record('terminated', call);
      call.disconnect('The call was terminated for everyone.');
      return { status: 204 };
    },

    transfer: (req: RequestContext): Reply => {
      const body = req.body;
      const call = ctx.calls.established(req.params[0]);
      const target = parseIdentifier(body.targetParticipant, 'targetParticipant');
      const transferee = body.transferee
        ? parseIdentifier(body.transferee, 'transferee')
        : call.others()[0]?.identifier;
      const operationContext = optionalString(body, 'operationContext');
      const operationCallbackUri = callbackUri(body, 'operationCallbackUri', false);
      call.state = 'transferring';
      ctx.world.record('transferRinging', call);
      ctx.world.ring(call, target, {
        onAnswer: () => {
          call.emit(
            'CallTransferAccepted',
            {
              operationContext,
              transferTarget: target,
              transferee,
              resultInformation: {
                code: 202,
                subCode: 7015,
                message: 'The transfer operation completed successfully.',
              },
            },
            operationCallbackUri,
          );
          call.connectedTo = target;
          ctx.world.record('transferConnected', call);
          call.disconnect('The call was transferred.');
        },
        onReject: () => {
          call.state = 'connected';
          call.emit(
            'CallTransferFailed',
            {
              operationContext,
              resultInformation: { code: 603, subCode: 560603, message: 'The transfer target declined the call.' },
            },
            operationCallbackUri,
          );
        },
        onTimeout: () => {
          call.state = 'connected';
          call.emit(
            'CallTransferFailed',
            {
              operationContext,
              resultInformation: { code: 408, subCode: 560408, message: 'The transfer target did not answer.' },
            },
            operationCallbackUri,
          );
        },
      });
      return { status: 202, body: { operationContext } };
    },
  };
}
