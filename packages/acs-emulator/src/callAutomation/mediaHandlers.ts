// Media operations: play, recognize, cancel, send DTMF, hold/unhold, media streaming and transcription.
import type { AcsContext } from '../context';
import { acsErrors } from '../errors';
import { parseIdentifier } from '../identifiers';
import type { Reply, RequestContext } from '../http/router';
import { mediaStreamingUpdate, transcriptionUpdate } from './callConnectionHandlers';
import { callbackUri, optionalString } from './requestFields';

const TONE_WORDS = new Set([
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'a',
  'b',
  'c',
  'd',
  'pound',
  'asterisk',
]);
const RECOGNIZE_TYPES = ['dtmf', 'speech', 'choices', 'speechOrDtmf'];

export function mediaHandlers(ctx: AcsContext) {
  const common = (req: RequestContext) => ({
    call: ctx.calls.established(req.params[0]),
    operationContext: optionalString(req.body, 'operationContext'),
    operationCallbackUri: callbackUri(req.body, 'operationCallbackUri', false),
  });

  return {
    play: (req: RequestContext): Reply => {
      const { call, operationContext, operationCallbackUri } = common(req);
      const playTo = Array.isArray(req.body.playTo) ? req.body.playTo : [];
      playTo.forEach((p, i) => parseIdentifier(p, `playTo[${i}]`));
      if (!Array.isArray(req.body.playSources) || req.body.playSources.length === 0) {
        throw acsErrors.invalidBody("'playSources' must hold at least one source.");
      }
      call.media.enqueue({ kind: 'play', body: req.body, operationContext, callbackUri: operationCallbackUri });
      return { status: 202 };
    },

    recognize: (req: RequestContext): Reply => {
      const { call, operationContext, operationCallbackUri } = common(req);
      const type = optionalString(req.body, 'recognizeInputType');
      if (!type || !RECOGNIZE_TYPES.includes(type))
        throw acsErrors.invalidBody("'recognizeInputType' must be dtmf, speech, choices or speechOrDtmf.");
      const options = req.body.recognizeOptions as Record<string, unknown> | undefined;
      if (options?.targetParticipant) parseIdentifier(options.targetParticipant, 'recognizeOptions.targetParticipant');
      // ACS's documented limits: initial silence 0-300 s, inter-tone 1-60 s.
      const silence = options?.initialSilenceTimeoutInSeconds;
      if (silence !== undefined && !(Number(silence) >= 0 && Number(silence) <= 300)) {
        throw acsErrors.invalidBody("'initialSilenceTimeoutInSeconds' must be between 0 and 300.");
      }
      const interTone = (options?.dtmfOptions as Record<string, unknown> | undefined)?.interToneTimeoutInSeconds;
      if (interTone !== undefined && !(Number(interTone) >= 1 && Number(interTone) <= 60)) {
        throw acsErrors.invalidBody("'interToneTimeoutInSeconds' must be between 1 and 60.");
      }
      call.media.enqueue({ kind: 'recognize', body: req.body, operationContext, callbackUri: operationCallbackUri });
      return { status: 202 };
    },

    cancelAll: (req: RequestContext): Reply => {
      ctx.calls.established(req.params[0]).media.cancelAll();
      return { status: 202 };
    },

    sendDtmfTones: (req: RequestContext): Reply => {
      const { call, operationContext, operationCallbackUri } = common(req);
      const tones = req.body.tones;
      if (!Array.isArray(tones) || tones.length === 0 || !tones.every((t) => TONE_WORDS.has(String(t)))) {
        throw acsErrors.invalidBody("'tones' must list DTMF tones (zero..nine, a..d, pound, asterisk).");
      }
      const target = parseIdentifier(req.body.targetParticipant, 'targetParticipant');
      const known = call.participants.has(target.rawId);
      call.media.sendTones(tones.length, () => {
        if (known) {
          ctx.world.record('dtmfSent', call, { tones });
          call.emit(
            'SendDtmfTonesCompleted',
            { operationContext, resultInformation: { code: 200, subCode: 0, message: 'Tones sent.' } },
            operationCallbackUri,
          );
        } else {
          call.emit(
            'SendDtmfTonesFailed',
            {
              operationContext,
              resultInformation: { code: 400, subCode: 8520, message: 'Participant not found in the call.' },
            },
            operationCallbackUri,
          );
        }
      });
      return { status: 202, body: { operationContext } };
    },

    startContinuousDtmf: (req: RequestContext): Reply => {
      const { call, operationContext, operationCallbackUri } = common(req);
      const target = parseIdentifier(req.body.targetParticipant, 'targetParticipant');
      if (!call.participants.has(target.rawId)) throw acsErrors.participantNotFound();
      call.media.startContinuousDtmf(operationContext, operationCallbackUri);
      return { status: 200 };
    },

    stopContinuousDtmf: (req: RequestContext): Reply => {
      const { call, operationContext, operationCallbackUri } = common(req);
      call.media.stopContinuousDtmf(operationContext, operationCallbackUri);
      return { status: 200 };
    },

    hold: (req: RequestContext): Reply => {
      return setHold(req, true);
    },

    unhold: (req: RequestContext): Reply => {
      return setHold(req, false);
    },

    startMediaStreaming: (req: RequestContext): Reply => {
      const { call, operationContext, operationCallbackUri } = common(req);
      if (!call.mediaStreaming) throw acsErrors.mediaNotConfigured('Media streaming');
      call.mediaStreaming.active = true;
      call.emit(
        'MediaStreamingStarted',
        { operationContext, ...mediaStreamingUpdate('mediaStreamingStarted', 'subscriptionStarted') },
        operationCallbackUri,
      );
      ctx.streams.startAudio(call, operationContext);
      return { status: 202 };
    },

    stopMediaStreaming: (req: RequestContext): Reply => {
      const { call, operationContext, operationCallbackUri } = common(req);
      if (!call.mediaStreaming) throw acsErrors.mediaNotConfigured('Media streaming');
      call.mediaStreaming.active = false;
      ctx.streams.stopAudio(call);
      call.emit(
        'MediaStreamingStopped',
        { operationContext, ...mediaStreamingUpdate('mediaStreamingStopped', 'subscriptionStopped') },
        operationCallbackUri,
      );
      return { status: 202 };
    },

    startTranscription: (req: RequestContext): Reply => {
      const { call, operationContext, operationCallbackUri } = common(req);
      if (!call.transcription) throw acsErrors.mediaNotConfigured('Transcription');
      const locale = optionalString(req.body, 'locale');
      if (locale) call.transcription.options.locale = locale;
      call.transcription.active = true;
      call.emit(
        'TranscriptionStarted',
        { operationContext, ...transcriptionUpdate('transcriptionStarted', 'subscriptionStarted') },
        operationCallbackUri,
      );
      ctx.streams.startTranscription(call, operationContext);
      return { status: 202 };
    },

    stopTranscription: (req: RequestContext): Reply => {
      const { call, operationContext, operationCallbackUri } = common(req);
      if (!call.transcription) throw acsErrors.mediaNotConfigured('Transcription');
      call.transcription.active = false;
      ctx.streams.stopTranscription(call);
      call.emit(
        'TranscriptionStopped',
        { operationContext, ...transcriptionUpdate('transcriptionStopped', 'subscriptionStopped') },
        operationCallbackUri,
      );
      return { status: 202 };
    },

    updateTranscription: (req: RequestContext): Reply => {
      const { call, operationContext, operationCallbackUri } = common(req);
      if (!call.transcription) throw acsErrors.mediaNotConfigured('Transcription');
      const locale = optionalString(req.body, 'locale');
      if (locale) call.transcription.options.locale = locale;
      call.emit(
        'TranscriptionUpdated',
        { operationContext, ...transcriptionUpdate('transcriptionUpdated', 'subscriptionUpdated') },
        operationCallbackUri,
      );
      return { status: 202 };
    },
  };

  function setHold(req: RequestContext, onHold: boolean): Reply {
    const { call, operationContext, operationCallbackUri } = common(req);
    const target = parseIdentifier(req.body.targetParticipant, 'targetParticipant');
    const participant = call.participants.get(target.rawId);
    if (!participant) {
      call.emit(
        'HoldFailed',
        {
          operationContext,
          resultInformation: { code: 400, subCode: 8520, message: 'Participant not found in the call.' },
        },
        operationCallbackUri,
      );
    } else {
      participant.isOnHold = onHold;
      call.participantsUpdated();
    }
    return { status: 200 };
  }
}
