// ACS-shaped errors: every failure the emulator answers is `{"error":{"code","message"}}` with the status
// and code the real service uses, so SDK clients raise the same RestError they would against Azure.

export class AcsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AcsError';
  }

  toBody(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** The error factory, one function per failure the emulator reports. Messages carry no personal data. */
export const acsErrors = {
  // Authentication (HMAC and bearer): ACS answers 401 "Denied" for every HMAC problem.
  unauthenticated: (why: string) => new AcsError(401, 'Denied', `Denied by the resource provider. ${why}`),
  invalidToken: (why: string) => new AcsError(401, 'InvalidAuthenticationToken', `The access token is invalid. ${why}`),
  forbidden: (why = 'Permissions check failed.') => new AcsError(403, 'Forbidden', why),

  // Transport-level request problems.
  malformedJson: () => new AcsError(400, 'BadRequest', 'The request body is not valid JSON.'),
  invalidBody: (why: string) => new AcsError(400, 'BadRequest', `The request is invalid. ${why}`),
  unsupportedMediaType: (type: string) =>
    new AcsError(415, 'UnsupportedMediaType', `Content type '${type}' is not supported; use application/json.`),
  payloadTooLarge: (limit: number) =>
    new AcsError(413, 'RequestEntityTooLarge', `The request body is larger than ${limit} bytes.`),
  unknownOperation: (method: string, path: string) =>
    new AcsError(404, 'NotFound', `No operation ${method} ${path.replace(/[^\w/:.\-%]/g, '')}.`),
  methodNotAllowed: (method: string) => new AcsError(405, 'MethodNotAllowed', `Method ${method} is not allowed here.`),
  internal: () => new AcsError(500, 'InternalServerError', 'The emulator failed to handle the request.'),

  // Call Automation (codes as the service reports them).
  callNotFound: () => new AcsError(404, '8522', 'Action failed: call not found.'),
  callNotEstablished: () => new AcsError(400, '8501', 'Action is not valid when call is not in Established state.'),
  incomingCallNotFound: () => new AcsError(404, '8523', 'Invalid or expired incoming call context.'),
  callAlreadyAnswered: () => new AcsError(400, '8523', 'Call already answered or no longer ringing.'),
  invalidPhoneNumber: (field: string) =>
    new AcsError(400, '8524', `Invalid phone number in '${field}': numbers must be E.164 (+ and 8 to 15 digits).`),
  invalidIdentifier: (field: string) => new AcsError(400, '8524', `Invalid identifier in '${field}'.`),
  missingSourceCallerId: () =>
    new AcsError(400, '8524', 'A source caller id number is required to call a phone number.'),
  participantNotFound: () => new AcsError(404, '8520', 'Participant not found in the call.'),
  invalidCallbackUri: () => new AcsError(400, '8524', 'callbackUri must be an absolute http or https URL.'),
  mediaNotConfigured: (what: string) =>
    new AcsError(400, '8583', `${what} cannot start: the call was not set up with ${what} options.`),
  moveFromSameCall: () => new AcsError(400, '8524', "'fromCall' must be another call than the one moved to."),
  dialOutNotEnabled: () =>
    new AcsError(403, '8527', 'PSTN dial-out is not enabled for this room (pstnDialOutEnabled is false).'),
  recordingNotFound: () => new AcsError(404, '8522', 'Recording not found.'),

  // Identity, SMS, Chat, Rooms.
  roomNotFound: () => new AcsError(404, 'NotFound', 'Room not found.'),
  identityNotFound: () => new AcsError(404, 'IdentityNotFound', 'The identity does not exist.'),
  invalidTokenLifetime: () => new AcsError(400, 'ValidationError', 'expiresInMinutes must be between 60 and 1440.'),
  invalidScopes: () =>
    new AcsError(
      400,
      'ValidationError',
      'Scopes must be a subset of chat, voip, chat.join, voip.join, chat.join.limited.',
    ),
  invalidSender: () =>
    new AcsError(400, 'InvalidFrom', 'The from phone number is invalid or not owned by this resource.'),
  threadNotFound: () => new AcsError(404, 'NotFound', 'Chat thread not found.'),
  messageNotFound: () => new AcsError(404, 'NotFound', 'Chat message not found.'),
  mediaNotFound: () => new AcsError(404, 'NotFound', 'Media not found.'),
} as const;

/** Any thrown value becomes an AcsError; unknown failures are 500s without internal detail. */
export function toAcsError(err: unknown): AcsError {
  return err instanceof AcsError ? err : acsErrors.internal();
}
