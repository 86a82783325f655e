import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fitSms, shorten, smsSegments } from '@switchboard/app/messaging/fitReply';

describe('fitting a reply to a channel', () => {
  it('keeps a reply that fits as it is', () => {
    assert.equal(fitSms('We are open Monday to Friday.', 1), 'We are open Monday to Friday.');
  });

  it('shortens a long GSM reply to two segments (306 characters) at a sentence end', () => {
    const long = 'Refunds go back to your card within five working days of approval. '.repeat(10);
    const fitted = fitSms(long, 2);
    assert.ok(fitted.length <= 306, `got ${fitted.length}`);
    assert.ok(fitted.endsWith('.'), 'cut after a whole sentence');
    assert.equal(smsSegments(fitted), 2);
  });

  it('counts a reply with characters outside GSM-7 in 70-character UCS-2 segments', () => {
    const fitted = fitSms(`Gracias 🙂 ${'palabra '.repeat(40)}`, 1);
    assert.ok(fitted.length <= 70, `got ${fitted.length}`);
    assert.ok(fitted.endsWith('...'), 'says it was shortened');
    assert.ok(!/\bpalab$/.test(fitted.replace(/\.\.\.$/, '')), 'never cuts mid-word');
  });

  it('shortens at a word boundary when there is no sentence end', () => {
    assert.equal(shorten('one two three four five six seven', 20), 'one two three...');
  });
});
