import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CallAutomationClient } from '@azure/communication-call-automation';
import { RoomsClient } from '@azure/communication-rooms';
import { answerIncomingCall, CALLER, startFixture, SUPPORT_LINE, type Fixture } from './support/fixtures';
import { signedJson } from './support/rawHttp';

const AGENT_USER = '8:acs:lobby-agent';
const ALICE = '8:acs:room-alice';
const BOB = '8:acs:room-bob';

function rejectsWith(status: number, message?: RegExp) {
  return (err: { statusCode?: number; message?: string }) => {
    assert.equal(err.statusCode, status);
    if (message) assert.match(err.message ?? '', message);
    return true;
  };
}

describe('lobby flows: moving a caller between calls (participants:moveHere)', () => {
  let fx: Fixture;
  let client: CallAutomationClient;

  before(async () => {
    fx = await startFixture();
    client = new CallAutomationClient(fx.acs.connectionString);
  });
  after(() => fx.close());

  async function agentCall() {
    const created = await client.createCall(
      { targetParticipant: { communicationUserId: AGENT_USER } },
      fx.callbacks.url,
    );
    const id = created.callConnectionProperties.callConnectionId!;
    await fx.callbacks.waitFor('CallConnected', id);
    return { id, connection: created.callConnection };
  }

  it("moves the waiting caller from the lobby call into the agent's call, and the lobby call ends", async () => {
    const lobby = await answerIncomingCall(fx, client);
    const agent = await agentCall();
    const result = await agent.connection.moveParticipants([{ phoneNumber: CALLER }], lobby.callConnectionId, {
      operationContext: 'to-agent',
    });
    assert.equal(result.fromCall, lobby.callConnectionId);
    assert.ok(result.participants?.some((p) => p.identifier && 'phoneNumber' in p.identifier));
    const moved = await fx.callbacks.waitFor('MoveParticipantSucceeded', agent.id);
    assert.equal(moved.operationContext, 'to-agent');
    assert.equal(moved.fromCall, lobby.callConnectionId);
    assert.deepEqual(moved.participant, { phoneNumber: CALLER, rawId: `4:${CALLER}` });
    await fx.callbacks.waitFor('CallDisconnected', lobby.callConnectionId);
    const inAgentCall = await agent.connection.listParticipants();
    assert.ok(
      inAgentCall.values?.some(
        (p) => p.identifier && 'phoneNumber' in p.identifier && p.identifier.phoneNumber === CALLER,
      ),
    );
    assert.deepEqual(
      await client
        .getCallConnection(lobby.callConnectionId)
        .listParticipants()
        .catch((e: { statusCode?: number }) => e.statusCode),
      404,
    );
  });

  it('reports MoveParticipantFailed for someone not in the other call, and 404 for a call that does not exist', async () => {
    const lobby = await answerIncomingCall(fx, client);
    const agent = await agentCall();
    await agent.connection.moveParticipants([{ phoneNumber: '+14255550999' }], lobby.callConnectionId);
    const failed = await fx.callbacks.waitFor('MoveParticipantFailed', agent.id);
    assert.equal(failed.resultInformation?.code, 404);
    await assert.rejects(
      agent.connection.moveParticipants([{ phoneNumber: CALLER }], 'no-such-call'),
      rejectsWith(404),
    );
    await assert.rejects(agent.connection.moveParticipants([{ phoneNumber: CALLER }], agent.id), rejectsWith(400));
    await lobby.connection.hangUp(true);
  });
});

describe('the Rooms API and connecting Call Automation to a room', () => {
  let fx: Fixture;
  let rooms: RoomsClient;
  let client: CallAutomationClient;

  before(async () => {
    fx = await startFixture();
    rooms = new RoomsClient(fx.acs.connectionString);
    client = new CallAutomationClient(fx.acs.connectionString);
  });
  after(() => fx.close());

  it('creates a room with participants, updates it and them, lists and deletes it', async () => {
    const validUntil = new Date(Date.now() + 3600_000);
    const room = await rooms.createRoom({
      validUntil,
      participants: [{ id: { communicationUserId: ALICE }, role: 'Presenter' }],
    });
    assert.match(room.id, /^\d+$/);
    assert.equal(room.validUntil.getTime(), validUntil.getTime());
    assert.equal(room.pstnDialOutEnabled, false);
    const updated = await rooms.updateRoom(room.id, { pstnDialOutEnabled: true });
    assert.equal(updated.pstnDialOutEnabled, true);
    assert.equal((await rooms.getRoom(room.id)).pstnDialOutEnabled, true);

    await rooms.addOrUpdateParticipants(room.id, [{ id: { communicationUserId: BOB } }]);
    const participants: { id: unknown; role?: string }[] = [];
    for await (const p of rooms.listParticipants(room.id)) participants.push(p);
    assert.deepEqual(
      participants.map((p) => [p.id, p.role]),
      [
        [{ kind: 'communicationUser', communicationUserId: ALICE }, 'Presenter'],
        [{ kind: 'communicationUser', communicationUserId: BOB }, 'Attendee'],
      ],
    );
    await rooms.removeParticipants(room.id, [{ communicationUserId: ALICE }]);
    const left: unknown[] = [];
    for await (const p of rooms.listParticipants(room.id)) left.push(p.id);
    assert.deepEqual(left, [{ kind: 'communicationUser', communicationUserId: BOB }]);

    const listed: string[] = [];
    for await (const r of rooms.listRooms()) listed.push(r.id);
    assert.ok(listed.includes(room.id));
    await rooms.deleteRoom(room.id);
    await assert.rejects(rooms.getRoom(room.id), rejectsWith(404));
  });

  it('refuses a room valid for no time or longer than 180 days, naming the field', async () => {
    await assert.rejects(
      rooms.createRoom({ validFrom: new Date(Date.now() + 7200_000), validUntil: new Date(Date.now() + 3600_000) }),
      rejectsWith(400, /validUntil/),
    );
    await assert.rejects(
      rooms.createRoom({ validUntil: new Date(Date.now() + 200 * 24 * 3600_000) }),
      rejectsWith(400, /180 days/),
    );
  });

  it("connects to a room's call, adds a room participant, and refuses PSTN dial-out the room does not allow", async () => {
    const room = await rooms.createRoom({ participants: [{ id: { communicationUserId: ALICE }, role: 'Attendee' }] });
    const connected = await client.connectCall({ kind: 'roomCallLocator', id: room.id }, fx.callbacks.url);
    const id = connected.callConnectionProperties.callConnectionId!;
    await fx.callbacks.waitFor('CallConnected', id);
    await connected.callConnection.addParticipant({ targetParticipant: { communicationUserId: ALICE } });
    const added = await fx.callbacks.waitFor('AddParticipantSucceeded', id);
    assert.deepEqual(added.participant, { communicationUserId: ALICE });
    await assert.rejects(
      connected.callConnection.addParticipant({
        targetParticipant: { phoneNumber: '+14255550123' },
        sourceCallIdNumber: { phoneNumber: SUPPORT_LINE },
      }),
      rejectsWith(403, /dial-out/),
    );
    await connected.callConnection.hangUp(true);
    await fx.callbacks.waitFor('CallDisconnected', id);
  });

  it('reports ConnectFailed for a room that does not exist', async () => {
    const connected = await client.connectCall({ kind: 'roomCallLocator', id: '99000000000000000' }, fx.callbacks.url);
    const failed = await fx.callbacks.waitFor('ConnectFailed', connected.callConnectionProperties.callConnectionId);
    assert.match(failed.resultInformation?.message ?? '', /Room not found/);
  });
});

describe('operations the emulator does not run', () => {
  let fx: Fixture;
  before(async () => {
    fx = await startFixture();
  });
  after(() => fx.close());

  it('answer a 4xx in ACS error shape that names the operation, never a 500', async () => {
    for (const [method, path] of [
      ['POST', '/calling/callConnections/abc/participants:unmute?api-version=2026-03-12'],
      ['PUT', '/calling/callConnections/abc/dialogs/d1?api-version=2026-03-12'],
      ['POST', '/calling/callConnections/abc:summarizeCall?api-version=2026-03-12'],
    ] as const) {
      const res = await signedJson(fx.acs.accessKey, fx.acs.endpoint, method, path, {});
      assert.ok(res.status >= 400 && res.status < 500, `${method} ${path} answered ${res.status}`);
      const error = (res.body as { error: { code: string; message: string } }).error;
      assert.ok(error.code);
      assert.ok(error.message.includes(`${method} ${path.split('?')[0]}`), error.message);
    }
  });
});
