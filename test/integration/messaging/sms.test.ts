import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { callIdFor } from '@switchboard/app/call/callIdFor';
import { waitFor } from '../../support/waitFor';

const LINE = '+18005550700';

describe('SMS compliance keywords and the opt-out list', () => {
  let sb: SwitchboardSandbox;

  before(async () => {
    sb = await startSwitchboard({ acs: { timeScale: 0.05, ringTimeoutMs: 20_000, answerDelayMs: 100 } });
  });
  after(async () => {
    await sb?.stop();
  });

  const sentTo = async (number: string, text: RegExp) =>
    (await sb.acs.control.listSms()).filter(
      (m) => m.direction === 'outbound' && m.to === number && text.test(m.message),
    ).length;
  const callAndFinish = async (from: string) => {
    const call = await sb.acs.control.placeCall({ from, to: LINE });
    return waitFor(
      async () => {
        const view = (await (await sb.api(`/api/calls/${callIdFor(call.serverCallId)}`)).json()) as {
          state: string;
          history: string[];
        };
        return view.state === 'Completed' ? view : undefined;
      },
      { what: 'the call to finish' },
    );
  };

  it('answers HELP with the help text', async () => {
    await sb.acs.control.receiveSms({ from: '+14255550301', to: LINE, message: ' Help ' });
    await waitFor(() => sentTo('+14255550301', /Reply STOP to unsubscribe/), { what: 'the help reply' });
  });

  it('sends no flow SMS to a caller who texted STOP, and sends again after START', async () => {
    const caller = '+14255550302';
    await sb.acs.control.receiveSms({ from: caller, to: LINE, message: 'STOP' });
    await waitFor(() => sentTo(caller, /You are unsubscribed/), { what: 'the STOP confirmation' });

    const optedOut = await callAndFinish(caller);
    assert.deepEqual(optedOut.history, ['hello', 'text', 'bye']);
    assert.equal(await sentTo(caller, /link you asked for/), 0, 'an opted-out caller got the flow SMS');

    await sb.acs.control.receiveSms({ from: caller, to: LINE, message: 'start' });
    await waitFor(() => sentTo(caller, /subscribed again/), { what: 'the START confirmation' });
    await callAndFinish(caller);
    await waitFor(() => sentTo(caller, /link you asked for/), { what: 'the flow SMS after START' });
    assert.equal(await sentTo(caller, /You are unsubscribed/), 1, 'STOP is confirmed once');
  });
});
