import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
// @azure/communication-call-automation 1.6.0 (npm alias in package.json): a client pinned the way an older
// app's lockfile pins it. Its common/pipeline are the app's (an overrides pin of those broke RestError checks).
import { CallAutomationClient as PinnedClient } from 'call-automation-1-6-0';
import { AGENT, startFixture, SUPPORT_LINE, type Fixture } from './support/fixtures';

describe('a Call Automation client pinned to older SDK dependencies', () => {
  let fx: Fixture;
  let client: PinnedClient;

  before(async () => {
    fx = await startFixture();
    client = new PinnedClient(fx.acs.connectionString);
  });
  after(() => fx.close());

  it('places a PSTN call that connects, with and without Cognitive Services options', async () => {
    const plain = await client.createCall(
      { targetParticipant: { phoneNumber: AGENT }, sourceCallIdNumber: { phoneNumber: SUPPORT_LINE } },
      fx.callbacks.url,
    );
    await fx.callbacks.waitFor('CallConnected', plain.callConnectionProperties.callConnectionId);
    const withAi = await client.createCall(
      { targetParticipant: { phoneNumber: AGENT }, sourceCallIdNumber: { phoneNumber: SUPPORT_LINE } },
      fx.callbacks.url,
      { callIntelligenceOptions: { cognitiveServicesEndpoint: 'https://example-ai.cognitiveservices.azure.com/' } },
    );
    await fx.callbacks.waitFor('CallConnected', withAi.callConnectionProperties.callConnectionId);
  });

  it('places a call to an ACS user and hangs it up', async () => {
    const result = await client.createCall(
      { targetParticipant: { communicationUserId: '8:acs:pinned-sdk-user' } },
      fx.callbacks.url,
    );
    const id = result.callConnectionProperties.callConnectionId!;
    await fx.callbacks.waitFor('CallConnected', id);
    await result.callConnection.hangUp(true);
    await fx.callbacks.waitFor('CallDisconnected', id);
  });

  it('is told what is wrong with a bad request in ACS error shape, never a 500', async () => {
    await assert.rejects(
      client.createCall({ targetParticipant: { phoneNumber: AGENT } }, fx.callbacks.url),
      (err: { statusCode?: number; code?: string; message?: string }) => {
        assert.equal(err.statusCode, 400);
        assert.ok(err.code, 'an ACS error code');
        return true;
      },
    );
  });
});
