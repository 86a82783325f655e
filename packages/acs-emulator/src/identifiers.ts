// Communication identifiers on the wire: `{kind, rawId, phoneNumber{value} | communicationUser{id} | ...}`.
// The SDK sends some (playTo, targetParticipant) without `kind`, so both forms are accepted.
import { acsErrors } from './errors';

export interface IdentifierModel {
  kind: 'phoneNumber' | 'communicationUser' | 'microsoftTeamsUser' | 'unknown';
  rawId: string;
  phoneNumber?: { value: string };
  communicationUser?: { id: string };
  microsoftTeamsUser?: { userId: string };
}

const E164 = /^\+[1-9]\d{7,14}$/;

export function isE164(value: unknown): value is string {
  return typeof value === 'string' && E164.test(value);
}

export function phoneIdentifier(value: string): IdentifierModel {
  return { kind: 'phoneNumber', rawId: `4:${value}`, phoneNumber: { value } };
}

export function userIdentifier(id: string): IdentifierModel {
  return { kind: 'communicationUser', rawId: id, communicationUser: { id } };
}

/** "+1800..." or "4:+1800..." -> phone number, "8:..." -> Communication user (control API shorthand). */
export function identifierFromString(value: string, field = 'identifier'): IdentifierModel {
  if (value.startsWith('+')) {
    if (!isE164(value)) throw acsErrors.invalidPhoneNumber(field);
    return phoneIdentifier(value);
  }
  if (value.startsWith('4:')) return identifierFromString(value.slice(2), field);
  if (!/^8:[^:\s]+:\S+$/.test(value)) throw acsErrors.invalidIdentifier(field);
  return userIdentifier(value);
}

/** Parses an identifier from a request body; throws ACS's 400 for anything invalid. */
export function parseIdentifier(model: unknown, field: string): IdentifierModel {
  if (!model || typeof model !== 'object') throw acsErrors.invalidIdentifier(field);
  const m = model as Record<string, unknown>;
  const phone = (m.phoneNumber as { value?: unknown } | undefined)?.value;
  if (phone !== undefined || m.kind === 'phoneNumber') {
    if (!isE164(phone)) throw acsErrors.invalidPhoneNumber(field);
    return phoneIdentifier(phone);
  }
  const user = (m.communicationUser as { id?: unknown } | undefined)?.id;
  if (typeof user === 'string' && user) return userIdentifier(user);
  const teams = (m.microsoftTeamsUser as { userId?: unknown } | undefined)?.userId;
  if (typeof teams === 'string' && teams) {
    return {
      kind: 'microsoftTeamsUser',
      rawId: typeof m.rawId === 'string' ? m.rawId : `8:orgid:${teams}`,
      microsoftTeamsUser: { userId: teams },
    };
  }
  if (typeof m.rawId === 'string' && m.rawId) return identifierFromString(m.rawId, field);
  throw acsErrors.invalidIdentifier(field);
}

/** The phone number or user id a behaviour table is keyed by. */
export function lookupKey(id: IdentifierModel): string {
  return id.phoneNumber?.value ?? id.communicationUser?.id ?? id.rawId;
}
