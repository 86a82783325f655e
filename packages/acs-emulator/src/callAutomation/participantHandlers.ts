// Participant operations: list, get, add, cancel add, remove, mute, move here.
import { randomUUID } from 'node:crypto';
import type { AcsContext } from '../context';
import { acsErrors } from '../errors';
import { identifierFromString, parseIdentifier } from '../identifiers';
import type { Reply, RequestContext } from '../http/router';
import { wireParticipant } from './call';
import { callbackUri, optionalString, requiredString } from './requestFields';

export function participantHandlers(ctx: AcsContext) {
  return {
    list: (req: RequestContext): Reply => {
      const call = ctx.calls.live(req.params[0]);
      return { status: 200, body: { value: [...call.participants.values()].map(wireParticipant) } };
    },

    get: (req: RequestContext): Reply => {
      const call = ctx.calls.live(req.params[0]);
      const rawId = req.params[1];
      const participant = call.participants.get(rawId) ?? call.participants.get(identifierFromString(rawId).rawId);
      if (!participant) throw acsErrors.participantNotFound();
      return { status: 200, body: wireParticipant(participant) };
    },

    add: (req: RequestContext): Reply => {
      const body = req.body;
      const call = ctx.calls.established(req.params[0]);
      const target = parseIdentifier(body.participantToAdd, 'participantToAdd');
      if (target.kind === 'phoneNumber' && call.roomId && !ctx.rooms.find(call.roomId)?.pstnDialOutEnabled)
        throw acsErrors.dialOutNotEnabled();
      const operationContext = optionalString(body, 'operationContext');
      const operationCallbackUri = callbackUri(body, 'operationCallbackUri', false);
      const invitationId = randomUUID();
      const timeoutSeconds = Number(body.invitationTimeoutInSeconds ?? 0);
      const timeoutMs = timeoutSeconds > 0 ? timeoutSeconds * 1000 : ctx.options.ringTimeoutMs;
      const failed = (code: number, subCode: number, message: string): void => {
        call.invites.delete(invitationId);
        call.emit(
          'AddParticipantFailed',
          { operationContext, invitationId, participant: target, resultInformation: { code, subCode, message } },
          operationCallbackUri,
        );
      };
      const timer = ctx.world.ring(
        call,
        target,
        {
          onAnswer: () => {
            call.invites.delete(invitationId);
            call.addParticipant(target);
            call.emit(
              'AddParticipantSucceeded',
              {
                operationContext,
                invitationId,
                participant: target,
                resultInformation: { code: 200, subCode: 0, message: 'Participant added.' },
              },
              operationCallbackUri,
            );
            call.participantsUpdated();
          },
          onReject: () => failed(603, 560603, 'The participant declined the call.'),
          onTimeout: () => failed(408, 560408, 'The participant did not answer.'),
        },
        timeoutMs,
      );
      call.invites.set(invitationId, {
        invitationId,
        target,
        operationContext,
        callbackUri: operationCallbackUri,
        timer,
      });
      return {
        status: 202,
        body: { participant: { identifier: target, isMuted: false, isOnHold: false }, operationContext, invitationId },
      };
    },

    cancelAdd: (req: RequestContext): Reply => {
      const body = req.body;
      const call = ctx.calls.established(req.params[0]);
      const invitationId = requiredString(body, 'invitationId');
      const operationContext = optionalString(body, 'operationContext');
      const operationCallbackUri = callbackUri(body, 'operationCallbackUri', false);
      const invite = call.invites.get(invitationId);
      if (invite) {
        invite.timer.cancel();
        call.invites.delete(invitationId);
        call.emit(
          'CancelAddParticipantSucceeded',
          {
            operationContext,
            invitationId,
            resultInformation: { code: 200, subCode: 0, message: 'Invitation cancelled.' },
          },
          operationCallbackUri,
        );
      } else {
        call.after(0, () =>
          call.emit(
            'CancelAddParticipantFailed',
            {
              operationContext,
              invitationId,
              resultInformation: { code: 400, subCode: 8523, message: 'Invitation not found or already answered.' },
            },
            operationCallbackUri,
          ),
        );
      }
      return { status: 202, body: { invitationId, operationContext } };
    },

    remove: (req: RequestContext): Reply => {
      const body = req.body;
      const call = ctx.calls.established(req.params[0]);
      const target = parseIdentifier(body.participantToRemove, 'participantToRemove');
      const operationContext = optionalString(body, 'operationContext');
      const operationCallbackUri = callbackUri(body, 'operationCallbackUri', false);
      if (call.participants.delete(target.rawId)) {
        call.emit(
          'RemoveParticipantSucceeded',
          {
            operationContext,
            participant: target,
            resultInformation: { code: 200, subCode: 0, message: 'Participant removed.' },
          },
          operationCallbackUri,
        );
        call.participantsUpdated();
        if (call.others().length === 0) call.after(0, () => call.disconnect('No participants left in the call.'));
      } else {
        call.emit(
          'RemoveParticipantFailed',
          {
            operationContext,
            participant: target,
            resultInformation: { code: 404, subCode: 8520, message: 'Participant not found in the call.' },
          },
          operationCallbackUri,
        );
      }
      return { status: 202, body: { operationContext } };
    },

    /** Moves participants from another call into this one (lobby flows): both calls see the change. */
    moveHere: (req: RequestContext): Reply => {
      const body = req.body;
      const call = ctx.calls.established(req.params[0]);
      const fromCall = requiredString(body, 'fromCall');
      const targets = Array.isArray(body.targetParticipants) ? body.targetParticipants : [];
      if (targets.length === 0) throw acsErrors.invalidBody("'targetParticipants' must list at least one participant.");
      const identifiers = targets.map((t, i) => parseIdentifier(t, `targetParticipants[${i}]`));
      // The SDKs document fromCall as the other call's connection id; its server call id names it too.
      const source = ctx.calls.findLive(fromCall);
      if (!source) throw acsErrors.callNotFound();
      if (source === call) throw acsErrors.moveFromSameCall();
      const operationContext = optionalString(body, 'operationContext');
      const operationCallbackUri = callbackUri(body, 'operationCallbackUri', false);
      const moved = identifiers.filter((target) => source.participants.delete(target.rawId));
      const missing = identifiers.filter((target) => !moved.includes(target));
      const participants = moved.map((target) => call.addParticipant(target));
      call.after(0, () => {
        for (const participant of moved)
          call.emit(
            'MoveParticipantSucceeded',
            {
              operationContext,
              participant,
              fromCall,
              resultInformation: { code: 200, subCode: 0, message: 'Participant moved.' },
            },
            operationCallbackUri,
          );
        for (const participant of missing)
          call.emit(
            'MoveParticipantFailed',
            {
              operationContext,
              participant,
              fromCall,
              resultInformation: {
                code: 404,
                subCode: 8520,
                message: 'Participant not found in the call to move from.',
              },
            },
            operationCallbackUri,
          );
        if (moved.length === 0) return;
        call.participantsUpdated();
        source.participantsUpdated();
        if (source.others().length === 0) source.disconnect('Every participant moved to another call.');
      });
      return {
        status: 202,
        body: { participants: participants.map(wireParticipant), operationContext, fromCall },
      };
    },

    mute: (req: RequestContext): Reply => {
      const body = req.body;
      const call = ctx.calls.established(req.params[0]);
      const targets = Array.isArray(body.targetParticipants) ? body.targetParticipants : [];
      if (targets.length !== 1) throw acsErrors.invalidBody("'targetParticipants' must hold exactly one participant.");
      const target = parseIdentifier(targets[0], 'targetParticipants[0]');
      const participant = call.participants.get(target.rawId);
      if (!participant) throw acsErrors.participantNotFound();
      participant.isMuted = true;
      call.participantsUpdated();
      return { status: 200, body: { operationContext: optionalString(body, 'operationContext') } };
    },
  };
}
