// Call Automation REST routes (HMAC-signed), as the SDK's generated client calls them.
import type { AcsContext } from '../context';
import { route, type Route } from '../http/router';
import { callConnectionHandlers } from './callConnectionHandlers';
import { mediaHandlers } from './mediaHandlers';
import { participantHandlers } from './participantHandlers';

const CC = '/calling/callConnections';
const ID = '([^/:]+)';

export function callAutomationRoutes(ctx: AcsContext): Route[] {
  const calls = callConnectionHandlers(ctx);
  const participants = participantHandlers(ctx);
  const media = mediaHandlers(ctx);
  const action = (name: string) => new RegExp(`^${CC}/${ID}:${name}$`);
  return [
    route('POST', new RegExp(`^${CC}$`), 'hmac', 'createCall', calls.create),
    route('POST', new RegExp(`^${CC}:answer$`), 'hmac', 'answerCall', calls.answer),
    route('POST', new RegExp(`^${CC}:redirect$`), 'hmac', 'redirectCall', calls.redirect),
    route('POST', new RegExp(`^${CC}:reject$`), 'hmac', 'rejectCall', calls.reject),
    route('POST', new RegExp(`^${CC}:connect$`), 'hmac', 'connectCall', calls.connect),
    route('GET', new RegExp(`^${CC}/${ID}$`), 'hmac', 'getCall', calls.get),
    route('DELETE', new RegExp(`^${CC}/${ID}$`), 'hmac', 'hangupCall', calls.hangUp),
    route('POST', action('terminate'), 'hmac', 'terminateCall', calls.terminate),
    route('POST', action('transferToParticipant'), 'hmac', 'transferToParticipant', calls.transfer),
    route('GET', new RegExp(`^${CC}/${ID}/participants$`), 'hmac', 'listParticipants', participants.list),
    route('GET', new RegExp(`^${CC}/${ID}/participants/([^/:]+)$`), 'hmac', 'getParticipant', participants.get),
    route('POST', new RegExp(`^${CC}/${ID}/participants:add$`), 'hmac', 'addParticipant', participants.add),
    route('POST', new RegExp(`^${CC}/${ID}/participants:remove$`), 'hmac', 'removeParticipant', participants.remove),
    route('POST', new RegExp(`^${CC}/${ID}/participants:mute$`), 'hmac', 'muteParticipant', participants.mute),
    route('POST', new RegExp(`^${CC}/${ID}/participants:moveHere$`), 'hmac', 'moveParticipants', participants.moveHere),
    route(
      'POST',
      new RegExp(`^${CC}/${ID}/participants:cancelAddParticipant$`),
      'hmac',
      'cancelAddParticipant',
      participants.cancelAdd,
    ),
    route('POST', action('play'), 'hmac', 'play', media.play),
    route('POST', action('recognize'), 'hmac', 'recognize', media.recognize),
    route('POST', action('cancelAllMediaOperations'), 'hmac', 'cancelAllMediaOperations', media.cancelAll),
    route('POST', action('sendDtmfTones'), 'hmac', 'sendDtmfTones', media.sendDtmfTones),
    route(
      'POST',
      action('startContinuousDtmfRecognition'),
      'hmac',
      'startContinuousDtmfRecognition',
      media.startContinuousDtmf,
    ),
    route(
      'POST',
      action('stopContinuousDtmfRecognition'),
      'hmac',
      'stopContinuousDtmfRecognition',
      media.stopContinuousDtmf,
    ),
    route('POST', action('hold'), 'hmac', 'hold', media.hold),
    route('POST', action('unhold'), 'hmac', 'unhold', media.unhold),
    route('POST', action('startMediaStreaming'), 'hmac', 'startMediaStreaming', media.startMediaStreaming),
    route('POST', action('stopMediaStreaming'), 'hmac', 'stopMediaStreaming', media.stopMediaStreaming),
    route('POST', action('startTranscription'), 'hmac', 'startTranscription', media.startTranscription),
    route('POST', action('stopTranscription'), 'hmac', 'stopTranscription', media.stopTranscription),
    route('POST', action('updateTranscription'), 'hmac', 'updateTranscription', media.updateTranscription),
  ];
}
