// Rooms as the Rooms API keeps them: an id, a validity window, PSTN dial-out, and participants by raw id
// with a role. A room is where a Call Automation app connects with a room call locator.
import { randomInt } from 'node:crypto';
import { acsErrors } from '../errors';
import { identifierFromString } from '../identifiers';

export const ROOM_ROLES = ['Presenter', 'Attendee', 'Consumer', 'Collaborator'] as const;
export type RoomRole = (typeof ROOM_ROLES)[number];

/** Rooms the service creates without a validUntil stay valid this long (180 days). */
const DEFAULT_VALIDITY_MS = 180 * 24 * 3600 * 1000;

export interface Room {
  id: string;
  createdAt: Date;
  validFrom: Date;
  validUntil: Date;
  pstnDialOutEnabled: boolean;
  participants: Map<string, RoomRole>;
}

export class RoomStore {
  private readonly rooms = new Map<string, Room>();

  create(body: Record<string, unknown>): Room {
    const now = new Date();
    const validFrom = dateField(body, 'validFrom') ?? now;
    const validUntil = dateField(body, 'validUntil') ?? new Date(validFrom.getTime() + DEFAULT_VALIDITY_MS);
    checkWindow(validFrom, validUntil);
    const room: Room = {
      // ACS room ids are long decimal numbers.
      id: `99${randomInt(1e8, 1e9 - 1)}${randomInt(1e6, 1e7 - 1)}`,
      createdAt: now,
      validFrom,
      validUntil,
      pstnDialOutEnabled: booleanField(body, 'pstnDialOutEnabled') ?? false,
      participants: new Map(),
    };
    this.patchParticipants(room, body.participants ?? {});
    this.rooms.set(room.id, room);
    return room;
  }

  get(id: string): Room {
    const room = this.rooms.get(id);
    if (!room) throw acsErrors.roomNotFound();
    return room;
  }

  find(id: string): Room | undefined {
    return this.rooms.get(id);
  }

  list(): Room[] {
    return [...this.rooms.values()];
  }

  update(id: string, body: Record<string, unknown>): Room {
    const room = this.get(id);
    const validFrom = dateField(body, 'validFrom') ?? room.validFrom;
    const validUntil = dateField(body, 'validUntil') ?? room.validUntil;
    checkWindow(validFrom, validUntil);
    room.validFrom = validFrom;
    room.validUntil = validUntil;
    room.pstnDialOutEnabled = booleanField(body, 'pstnDialOutEnabled') ?? room.pstnDialOutEnabled;
    return room;
  }

  delete(id: string): void {
    if (!this.rooms.delete(id)) throw acsErrors.roomNotFound();
  }

  /** Merge-patch of `{ rawId: { role } | null }`: upsert with a role (Attendee by default), remove with null. */
  patchParticipants(room: Room, participants: unknown): void {
    if (participants === null || typeof participants !== 'object' || Array.isArray(participants))
      throw acsErrors.invalidBody("'participants' must be an object keyed by raw id.");
    for (const [rawId, value] of Object.entries(participants)) {
      identifierFromString(rawId, `participants.${rawId}`);
      if (value === null) {
        room.participants.delete(rawId);
        continue;
      }
      const role = (value as { role?: unknown } | undefined)?.role ?? 'Attendee';
      if (!ROOM_ROLES.includes(role as RoomRole))
        throw acsErrors.invalidBody(`'participants.${rawId}.role' must be one of ${ROOM_ROLES.join(', ')}.`);
      room.participants.set(rawId, role as RoomRole);
    }
  }
}

export function wireRoom(room: Room): Record<string, unknown> {
  return {
    id: room.id,
    createdAt: room.createdAt.toISOString(),
    validFrom: room.validFrom.toISOString(),
    validUntil: room.validUntil.toISOString(),
    pstnDialOutEnabled: room.pstnDialOutEnabled,
  };
}

function dateField(body: Record<string, unknown>, field: string): Date | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  const date = typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw acsErrors.invalidBody(`'${field}' must be an ISO 8601 date-time.`);
  return date;
}

function booleanField(body: Record<string, unknown>, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw acsErrors.invalidBody(`'${field}' must be true or false.`);
  return value;
}

function checkWindow(validFrom: Date, validUntil: Date): void {
  if (validUntil <= validFrom) throw acsErrors.invalidBody("'validUntil' must be after 'validFrom'.");
  if (validUntil.getTime() - validFrom.getTime() > DEFAULT_VALIDITY_MS)
    throw acsErrors.invalidBody('A room can be valid for at most 180 days.');
}
