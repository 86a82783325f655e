import { z } from 'zod';
import { ValidationError } from '@switchboard/core/errors';
import { E164 } from '../flows/patterns';
import { addressOf } from '../acs/identifiers';
import { checkIncomingCallContext } from './incomingCallContext';

const identifier = z
  .object({
    rawId: z.string().min(1),
    kind: z.string().optional(),
    phoneNumber: z.object({ value: z.string() }).optional(),
  })
  .passthrough();

const incomingCallData = z
  .object({
    to: identifier,
    from: identifier,
    serverCallId: z.string().min(1),
    incomingCallContext: z.string().min(1),
    correlationId: z.string().optional(),
    callerDisplayName: z.string().optional(),
  })
  .passthrough();

export type IncomingCallData = z.infer<typeof incomingCallData>;

/**
 * The data of a Microsoft.Communication.IncomingCall event, or a ValidationError naming what is wrong: a missing
 * field, a number that is not E.164, an incomingCallContext that is malformed or expired.
 */
export function parseIncomingCall(data: unknown, now = new Date()): IncomingCallData {
  const parsed = incomingCallData.safeParse(data);
  if (!parsed.success) {
    throw new ValidationError(
      `IncomingCall event is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ')}`,
    );
  }
  for (const field of ['to', 'from'] as const) {
    const id = parsed.data[field];
    const isPhone = id.kind === 'phoneNumber' || id.rawId.startsWith('4:') || id.phoneNumber !== undefined;
    // A number that is not E.164 cannot be routed, answered or called back: no redelivery changes that.
    if (isPhone && !E164.test(addressOf(id)))
      throw new ValidationError(`IncomingCall "${field}" is a phone number that is not E.164.`);
  }
  checkIncomingCallContext(parsed.data.incomingCallContext, now);
  return parsed.data;
}
