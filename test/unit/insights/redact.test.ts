import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normaliseSpokenPii } from '@switchboard/app/insights/normaliseSpokenPii';
import { isLuhnValid, redactConversation as redactWith, redactPatterns } from '@switchboard/app/insights/redact';
import { detectNames } from '@switchboard/local-ai/insights/detectNames';
import { sampleConversation } from './sampleConversation';

// Redaction as the offline provider runs it: its name detector finds names in free text.
const redactConversation = (c: Parameters<typeof redactWith>[0]) => redactWith(c, detectNames);

function turns(...texts: Array<[role: 'customer' | 'agent', text: string]>) {
  return sampleConversation({
    participants: [
      { id: 'c', role: 'customer' },
      { id: 'a', role: 'agent' },
    ],
    turns: texts.map(([role, text], i) => ({
      participantId: role === 'customer' ? 'c' : 'a',
      role,
      text,
      offsetMs: i * 1000,
    })),
  });
}

describe('spoken forms', () => {
  test('reads spoken digit runs as numbers, with oh, double and triple', () => {
    assert.equal(normaliseSpokenPii('it is four one five, five five five, oh one nine nine'), 'it is 4155550199');
    assert.equal(normaliseSpokenPii('double five triple seven one two'), '5577712');
    assert.equal(normaliseSpokenPii('the balance is one hundred twenty dollars'), 'the balance is 120 dollars');
  });

  test('reads a digit the recogniser wrote as a word that sounds like it, inside a spoken number', () => {
    assert.equal(
      normaliseSpokenPii('my number is four to five, five five five, oh one for nine'),
      'my number is 4255550149',
    );
    assert.equal(normaliseSpokenPii('call me on eight won too, three ate seven'), 'call me on 812387');
    assert.equal(normaliseSpokenPii('I spoke to five people for three days'), 'I spoke to five people for three days');
    assert.equal(normaliseSpokenPii('it went from one to two'), 'it went from one to two');
  });

  test('leaves ordinary counting words alone', () => {
    assert.equal(normaliseSpokenPii('I called two or three times, oh well'), 'I called two or three times, oh well');
  });

  test('writes spoken email addresses as addresses', () => {
    assert.equal(
      normaliseSpokenPii('send it to john dot smith at example dot com please'),
      'send it to john.smith@example.com please',
    );
    assert.equal(normaliseSpokenPii("it's ingrid underscore j at proton dot me"), "it's ingrid_j@proton.me");
    assert.equal(normaliseSpokenPii("it's ola adeyemi forty two at yahoo dot com"), "it's olaadeyemi42@yahoo.com");
    assert.equal(normaliseSpokenPii('look at the bill dot'), 'look at the bill dot');
  });
});

describe('pattern redaction', () => {
  test('replaces written phone numbers, emails and card numbers with typed placeholders', () => {
    assert.equal(redactPatterns('Call (415) 555-0132 or +44 20 7946 0958.'), 'Call [PHONE] or [PHONE].');
    assert.equal(redactPatterns('Mail daniel.okafor@example.com now'), 'Mail [EMAIL] now');
    assert.equal(redactPatterns('Card 4539 1488 0343 6467, code 319'), 'Card [CARD], code [CARD]');
  });

  test('finds numbers and emails that speech-to-text wrote as words', () => {
    assert.equal(
      redactPatterns('my number is six one seven five five five zero one four eight'),
      'my number is [PHONE]',
    );
    assert.equal(
      redactPatterns('it is four five five six seven three seven five eight six eight nine nine eight five five'),
      'it is [CARD]',
    );
    assert.equal(redactPatterns('mail me at emily dot zhang at outlook dot com'), 'mail me at [EMAIL]');
  });

  test('tells card numbers from other long numbers with the Luhn check', () => {
    assert.equal(isLuhnValid('4539148803436467'), true);
    assert.equal(isLuhnValid('4539148803436468'), false);
    assert.equal(redactPatterns('ref 4539 1488 0343 6468'), 'ref [NUMBER]');
  });

  test('redacts account numbers, social security numbers and addresses but not amounts or years', () => {
    assert.equal(redactPatterns('policy POL-88213407, member 58302917'), 'policy [NUMBER], member [NUMBER]');
    assert.equal(redactPatterns('SSN 532-48-1937'), 'SSN [SSN]');
    assert.equal(
      redactPatterns('I live at 1847 Larkspur Lane, zip code 97201'),
      'I live at [ADDRESS], zip code [ADDRESS]',
    );
    assert.equal(
      redactPatterns('I paid 84 dollars on March 3rd 2024, about 1200 in total'),
      'I paid 84 dollars on March 3rd 2024, about 1200 in total',
    );
    assert.equal(redactPatterns('write to 14 Elm Grove, Leeds LS6 2AB'), 'write to [ADDRESS], Leeds [ADDRESS]');
  });
});

describe('conversation redaction', () => {
  test('replaces a detected name everywhere in the conversation, in any case', () => {
    const { conversation } = redactConversation(
      turns(
        ['agent', 'Contoso, this is Sarah speaking.'],
        ['customer', 'hi sarah, my name is daniel okafor.'],
        ['agent', 'Thanks Mr. Okafor. Daniel, can you confirm your email?'],
      ),
    );
    assert.deepEqual(
      conversation.turns.map((t) => t.text),
      [
        'Contoso, this is [NAME] speaking.',
        'hi [NAME], my name is [NAME].',
        'Thanks Mr. [NAME]. [NAME], can you confirm your email?',
      ],
    );
  });

  test('uses display names and redacts them from participants', () => {
    const { conversation } = redactConversation(
      sampleConversation({
        turns: [{ participantId: 'a', role: 'agent', text: 'You are speaking with Mitchell in billing.', offsetMs: 0 }],
      }),
    );
    assert.equal(conversation.turns[0].text, 'You are speaking with [NAME] in billing.');
    assert.equal(conversation.participants.find((p) => p.id === 'a')?.displayName, '[NAME]');
  });

  test('counts redactions per category without returning any value', () => {
    const result = redactConversation(
      turns(
        ['customer', 'I am Priya Raman, call me on 415 555 0132 or 415 555 0133, mail priya@example.com'],
        ['agent', 'Thanks Priya.'],
      ),
    );
    assert.deepEqual(Object.fromEntries(Object.entries(result.counts).filter(([, n]) => n > 0)), {
      phone: 2,
      email: 1,
      name: 2,
    });
    assert.doesNotMatch(JSON.stringify(result.counts), /Priya|415|example/);
  });

  test('redacts dates only where they are a date of birth, written or spoken', () => {
    const { conversation, counts } = redactConversation(
      turns(
        ['agent', 'Can I have your date of birth?'],
        ['customer', 'march ninth nineteen eighty seven'],
        ['agent', 'Thanks. Your appointment is on March 12th 2025.'],
        ['customer', 'I was born on 04/07/1979, by the way.'],
      ),
    );
    assert.deepEqual(conversation.turns.map((t) => t.text).slice(1), [
      '[DOB]',
      'Thanks. Your appointment is on March 12th 2025.',
      'I was born on [DOB], by the way.',
    ]);
    assert.equal(counts.dateOfBirth, 2);
  });

  test('takes a short answer to "who is the member?" as a name', () => {
    const { conversation } = redactConversation(
      turns(['agent', "Who's the member?"], ['customer', 'me, olumide adeyemi.'], ['agent', 'Thanks Olumide.']),
    );
    assert.deepEqual(conversation.turns.map((t) => t.text).slice(1), ['me, [NAME].', 'Thanks [NAME].']);
  });

  test('does not count placeholders that were already in the text', () => {
    const result = redactConversation(turns(['customer', 'my number is [PHONE] and I live here']));
    assert.equal(result.counts.phone, 0);
  });

  test('scrubs other text with the names found in the conversation', () => {
    const result = redactConversation(turns(['customer', 'my name is daniel okafor']));
    assert.equal(result.scrub('Okafor asked for 4155550132'), '[NAME] asked for [PHONE]');
  });
});
