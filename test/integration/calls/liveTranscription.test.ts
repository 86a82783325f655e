import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { verifyCallbackToken } from '@switchboard/core/acs/verifyCallbackToken';
import { waitFor } from '../../support/waitFor';
import { messageText } from '@switchboard/acs-emulator/media/messageText';

describe('live transcription for a flow that asks for it', () => {
  let sb: SwitchboardSandbox;
  let bridge: WebSocketServer;
  const connections: {
    url: string;
    authorization?: string;
    headers: Record<string, string | string[] | undefined>;
    messages: unknown[];
  }[] = [];

  before(async () => {
    // A stand-in for the media bridge: records what ACS connects with and sends.
    bridge = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    bridge.on('connection', (socket: WebSocket, request) => {
      const connection = {
        url: request.url ?? '',
        authorization: request.headers.authorization,
        headers: request.headers,
        messages: [] as unknown[],
      };
      connections.push(connection);
      socket.on('message', (data) => connection.messages.push(JSON.parse(messageText(data))));
    });
    await new Promise((resolve) => bridge.once('listening', resolve));
    const port = (bridge.address() as AddressInfo).port;
    sb = await startSwitchboard({
      acs: { timeScale: 0.05, ringTimeoutMs: 20_000, answerDelayMs: 100 },
      env: { MEDIA_BRIDGE_URL: `ws://127.0.0.1:${port}/media` },
    });
  });
  after(async () => {
    await sb?.stop();
    bridge?.close();
  });

  it("answers with transcription options, and ACS streams the call text to the bridge with a verifiable token and the call's headers", async () => {
    const call = await sb.acs.control.placeCall({ from: '+14255550123', to: '+18005550600' });
    await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId }, 15_000);
    await sb.acs.control.say(call.serverCallId, 'I would like to change my address');
    const connection = await waitFor(() => connections.find((c) => c.url.includes('kind=transcription')), {
      what: 'the transcription connection',
    });
    assert.match(connection.url, /callId=/);
    assert.match(connection.url, /[?&]token=[\w-]{43}(&|$)/, "the call's media token binds the stream to the call");
    const claims = await verifyCallbackToken(connection.authorization, {
      jwksUrl: sb.acs.jwksUrl,
      issuer: sb.acs.issuer,
      audience: sb.acs.immutableResourceId,
    });
    // ACS's WebSocket tokens live 24 hours, and the upgrade names the call (docs: secure-webhook-endpoint, audio
    // streaming quickstart "Additional Headers").
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 24 * 3600);
    const acsCall = await sb.acs.control.getCall(call.serverCallId);
    assert.equal(connection.headers['x-ms-call-connection-id'], acsCall.callConnectionId);
    assert.match(String(connection.headers['x-ms-call-correlation-id']), /^[\w-]{36}$/);
    const kinds = await waitFor(
      () => {
        const seen = connection.messages.map((m) => (m as { kind?: string }).kind);
        return seen.includes('TranscriptionData') ? seen : undefined;
      },
      { what: 'transcription data' },
    );
    assert.equal(kinds[0], 'TranscriptionMetadata');
    await sb.acs.control.hangUp(call.serverCallId);
  });
});
