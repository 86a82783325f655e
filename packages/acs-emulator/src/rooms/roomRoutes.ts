// Rooms API routes (HMAC-signed), as @azure/communication-rooms calls them.
import type { AcsContext } from '../context';
import { route, type Route } from '../http/router';
import { wireRoom } from './roomStore';

const ROOM = '/rooms/([^/]+)';

export function roomRoutes(ctx: AcsContext): Route[] {
  const rooms = ctx.rooms;
  return [
    route('POST', /^\/rooms$/, 'hmac', 'createRoom', (req) => ({
      status: 201,
      body: wireRoom(rooms.create(req.body)),
    })),
    // One page holds every room: the emulator's rooms are few.
    route('GET', /^\/rooms$/, 'hmac', 'listRooms', () => ({
      status: 200,
      body: { value: rooms.list().map(wireRoom) },
    })),
    route('GET', new RegExp(`^${ROOM}$`), 'hmac', 'getRoom', (req) => ({
      status: 200,
      body: wireRoom(rooms.get(req.params[0])),
    })),
    route('PATCH', new RegExp(`^${ROOM}$`), 'hmac', 'updateRoom', (req) => ({
      status: 200,
      body: wireRoom(rooms.update(req.params[0], req.body)),
    })),
    route('DELETE', new RegExp(`^${ROOM}$`), 'hmac', 'deleteRoom', (req) => {
      rooms.delete(req.params[0]);
      return { status: 204 };
    }),
    route('GET', new RegExp(`^${ROOM}/participants$`), 'hmac', 'listRoomParticipants', (req) => ({
      status: 200,
      body: {
        value: [...rooms.get(req.params[0]).participants].map(([rawId, role]) => ({ rawId, role })),
      },
    })),
    route('PATCH', new RegExp(`^${ROOM}/participants$`), 'hmac', 'updateRoomParticipants', (req) => {
      rooms.patchParticipants(rooms.get(req.params[0]), req.body.participants ?? {});
      return { status: 200, body: {} };
    }),
  ];
}
