import type { RealtimeError } from 'openai/resources/realtime/realtime';
import type { z } from 'zod';

// The realtime API's `error` event body (openai's RealtimeError type; Voice Live's ServerEventError in the
// Azure/azure-rest-api-specs VoiceLive TypeSpec has the same fields), and the errors the fake sends. Codes and
// messages follow what the OpenAI realtime API sends (its parameter errors: invalid_value, unknown_parameter,
// invalid_type, missing_required_parameter) and what the services are seen to send in SDK issue threads
// (response_cancel_not_active, session_expired): see sandbox/ai/README.md for each rule's source.

export type RealtimeErrorBody = RealtimeError & { code: string; param: string | null; event_id: string | null };

const invalid = (code: string, message: string, param: string | null, eventId?: string): RealtimeErrorBody => ({
  type: 'invalid_request_error',
  code,
  message,
  param,
  event_id: eventId ?? null,
});

const quoted = (values: readonly unknown[]) => values.map((v) => `'${String(v)}'`).join(', ');

export const realtimeErrors = {
  invalidJson: () => invalid('invalid_json', 'The event is not valid JSON.', null),
  unknownEvent: (type: string, eventId?: string) =>
    invalid('invalid_value', `Invalid value: '${type}'. The event type is not supported.`, 'type', eventId),
  invalidValue: (param: string, value: unknown, supported: readonly unknown[], eventId?: string) =>
    invalid(
      'invalid_value',
      `Invalid value: '${String(value)}'. Supported values are: ${quoted(supported)}.`,
      param,
      eventId,
    ),
  cancelNotActive: (eventId?: string) =>
    invalid('response_cancel_not_active', 'Cancellation failed: no active response found', null, eventId),
  activeResponse: (responseId: string, eventId?: string) =>
    invalid(
      'conversation_already_has_active_response',
      `Conversation already has an active response in progress: ${responseId}. Wait until the response is finished before creating a new one.`,
      null,
      eventId,
    ),
  itemNotFound: (itemId: string, eventId?: string) =>
    invalid('item_not_found', `Item with item_id not found: ${itemId}`, 'item_id', eventId),
  truncateTooLong: (audioMs: number, eventId?: string) =>
    invalid(
      'invalid_value',
      `Audio content of ${Math.floor(audioMs)}ms is already shorter than the requested audio_end_ms.`,
      'audio_end_ms',
      eventId,
    ),
  cannotUpdateVoice: (eventId?: string) =>
    invalid(
      'cannot_update_voice',
      "Cannot update a conversation's voice if assistant audio is present.",
      'session.voice',
      eventId,
    ),
  sessionExpired: (maxMs: number) =>
    invalid('session_expired', `Your session hit the maximum duration of ${Math.round(maxMs / 60_000)} minutes.`, null),
};

/** The first problem zod found in a client event (parsed with reportInput), as the realtime API names it. */
export function fromIssues(issues: readonly z.core.$ZodIssue[], eventId?: string): RealtimeErrorBody {
  const issue = issues[0];
  const param = issue.path.map(String).join('.');
  const reported = (issue as { input?: unknown }).input;
  // A discriminated union reports the whole object: the value refused is its discriminator.
  const input =
    issue.code === 'invalid_union' && reported && typeof reported === 'object'
      ? (reported as Record<string, unknown>)[String(issue.path.at(-1))]
      : reported;
  if (issue.code === 'unrecognized_keys') {
    const key = [param, issue.keys[0]].filter(Boolean).join('.');
    return invalid('unknown_parameter', `Unknown parameter: '${key}'.`, key, eventId);
  }
  if (input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value'))
    return invalid('missing_required_parameter', `Missing required parameter: '${param}'.`, param, eventId);
  const options = issue.code === 'invalid_union' ? (issue as { options?: unknown[] }).options : undefined;
  if (issue.code === 'invalid_value' || options)
    return realtimeErrors.invalidValue(param, input, options ?? (issue as { values: unknown[] }).values, eventId);
  if (issue.code === 'invalid_type')
    return invalid(
      'invalid_type',
      `Invalid type for '${param}': expected ${issue.expected}, but got ${typeof input} instead.`,
      param,
      eventId,
    );
  const given = input === undefined ? '' : ` '${typeof input === 'string' ? input : JSON.stringify(input)}'`;
  return invalid('invalid_value', `Invalid value for '${param}':${given} (${issue.message}).`, param, eventId);
}
