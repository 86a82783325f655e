import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AcsEmulator } from '@switchboard/acs-emulator';
import { createCallAutomationClient } from '@switchboard/app/acs/acsClients';
import { acsSettingsFor, startAcsEmulatorChecked } from '../../support/acsEmulator';

// The app's Call Automation client against the emulator, which honours Repeatability-Request-ID as ACS does.
describe('requests the app repeats after a fault', () => {
  let acs: AcsEmulator;

  before(async () => {
    acs = await startAcsEmulatorChecked();
  });
  after(async () => {
    await acs?.close();
  });

  const dial = (target: string, operationContext: string) =>
    createCallAutomationClient(acsSettingsFor(acs)).createCall(
      { targetParticipant: { phoneNumber: target }, sourceCallIdNumber: { phoneNumber: '+18005550100' } },
      'https://127.0.0.1:9/callbacks',
      { operationContext },
    );

  const callsTo = async (target: string) =>
    (await acs.control.listCalls()).filter((c) => c.callee.rawId === `4:${target}`);

  it('dials a person once when the same createCall is sent again, as a retried activity sends it', async () => {
    const first = await dial('+14255550181', 'create:call-1');
    const again = await dial('+14255550181', 'create:call-1');
    assert.equal(again.callConnectionProperties.callConnectionId, first.callConnectionProperties.callConnectionId);
    assert.equal((await callsTo('+14255550181')).length, 1);
  });

  it('dials again for a new operation, even to the same person', async () => {
    await dial('+14255550182', 'create:call-2');
    await dial('+14255550182', 'create:call-3');
    assert.equal((await callsTo('+14255550182')).length, 2);
  });
});
