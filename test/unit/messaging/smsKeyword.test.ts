import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { smsKeyword } from '@switchboard/app/messaging/smsKeyword';

describe('SMS compliance keywords', () => {
  it('recognise STOP, START and HELP and their synonyms in any case, with stray spaces and punctuation', () => {
    for (const text of ['STOP', 'stop', ' Stop. ', 'UNSUBSCRIBE', 'cancel', 'Quit!', 'STOPALL'])
      assert.equal(smsKeyword(text), 'stop', text);
    for (const text of ['START', 'unstop', 'Yes']) assert.equal(smsKeyword(text), 'start', text);
    for (const text of ['HELP', 'info', 'help?']) assert.equal(smsKeyword(text), 'help', text);
  });

  it('leave ordinary messages that merely contain a keyword alone', () => {
    for (const text of ['please stop calling me at work', 'can you help with my bill', 'yes please book it', ''])
      assert.equal(smsKeyword(text), 'none', text);
  });
});
