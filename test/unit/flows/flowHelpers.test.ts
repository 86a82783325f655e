import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateCondition } from '@switchboard/app/flows/evaluateCondition';
import { maskVariables } from '@switchboard/app/flows/maskVariables';
import { interpolate, toPlaySources } from '@switchboard/app/call/prompts';
import { classifyRecognizeFailure, keysOf, matchChoice, toneOf } from '@switchboard/app/call/recognition';

const menu = {
  choices: [
    { label: 'billing', dtmf: '1', phrases: ['billing', 'invoice'], next: 'b' },
    { label: 'sales', dtmf: '2', phrases: ['buy something'], next: 's' },
    { label: 'star', dtmf: '*', next: 'x' },
  ],
};

describe('recognition', () => {
  it('turns ACS tone words into keys and back', () => {
    assert.equal(keysOf(['one', 'two', 'pound', 'asterisk', 'zero', 'Nine']), '12#*09');
    assert.equal(toneOf('#'), 'pound');
    assert.equal(toneOf('7'), 'seven');
    assert.equal(toneOf('a'), 'a');
  });

  it('matches a choice by key, by label and by phrase inside a sentence', () => {
    assert.equal(matchChoice(menu, { dtmfResult: { tones: ['two'] } })?.label, 'sales');
    assert.equal(matchChoice(menu, { dtmfResult: { tones: ['asterisk'] } })?.label, 'star');
    assert.equal(matchChoice(menu, { choiceResult: { label: 'Billing' } })?.label, 'billing');
    assert.equal(
      matchChoice(menu, { speechResult: { speech: 'I have a question about my INVOICE.' } })?.label,
      'billing',
    );
    assert.equal(matchChoice(menu, { speechResult: { speech: "I'd like to buy something" } })?.label, 'sales');
    assert.equal(matchChoice(menu, { speechResult: { speech: 'invoiced' } }), undefined, 'whole words only');
    assert.equal(matchChoice(menu, { dtmfResult: { tones: ['nine'] } }), undefined);
  });

  it('classifies RecognizeFailed subCodes', () => {
    assert.equal(classifyRecognizeFailure({ resultInformation: { subCode: 8510 } }), 'no-input');
    assert.equal(classifyRecognizeFailure({ resultInformation: { subCode: 8534 } }), 'no-match');
    assert.equal(classifyRecognizeFailure({ resultInformation: { subCode: 8547 } }), 'no-match');
    assert.equal(classifyRecognizeFailure({ resultInformation: { subCode: 8511 } }), 'error');
    assert.equal(classifyRecognizeFailure(undefined), 'error');
  });
});

describe('prompts', () => {
  it('fill {{variables}} into text, escape them in SSML and leave audio alone', () => {
    const vars = { name: 'Ada <3' };
    assert.equal(interpolate('Hi {{ name }}, {{missing}}!', vars), 'Hi Ada <3, !');
    assert.deepEqual(
      toPlaySources(
        [
          { text: 'Hi {{name}}', voice: 'v2' },
          { ssml: '<speak>{{name}}</speak>' },
          { audio: 'https://x.example/a.wav' },
          'Bye',
        ],
        { voice: { name: 'v1', locale: 'en-GB' } },
        vars,
      ),
      [
        { kind: 'text', text: 'Hi Ada <3', voiceName: 'v2', locale: 'en-GB' },
        { kind: 'ssml', ssml: '<speak>Ada &#60;3</speak>' },
        { kind: 'file', url: 'https://x.example/a.wav' },
        { kind: 'text', text: 'Bye', voiceName: 'v1', locale: 'en-GB' },
      ],
    );
  });

  it('mask every digit of variables shown in status', () => {
    assert.deepEqual(maskVariables({ account: '12345678', label: 'billing', phone: '+1 212 555' }), {
      account: '********',
      label: 'billing',
      phone: '+* *** ***',
    });
  });
});

describe('branch conditions', () => {
  const facts = {
    variables: { department: 'billing', account: '12345678' },
    caller: '4:+442071234567',
    dialled: '+18005550100',
    now: new Date('2026-11-18T15:00:00Z'),
    hours: { timeZone: 'America/New_York', open: 'Mon-Fri 09:00-17:00', holidays: ['12-25'] },
  };

  it('test variables, caller and dialled numbers', () => {
    assert.equal(evaluateCondition({ variable: 'department', equals: 'billing' }, facts), true);
    assert.equal(evaluateCondition({ variable: 'department', in: ['sales', 'support'] }, facts), false);
    assert.equal(evaluateCondition({ variable: 'account', matches: '^\\d{8}$' }, facts), true);
    assert.equal(evaluateCondition({ variable: 'nope', exists: false }, facts), true);
    assert.equal(evaluateCondition({ caller: { startsWith: '+44' } }, facts), true);
    assert.equal(evaluateCondition({ dialled: { equals: '+18005550100' } }, facts), true);
  });

  it('test time, opening hours and holidays with the given clock', () => {
    assert.equal(evaluateCondition({ open: true }, facts), true);
    assert.equal(evaluateCondition({ holiday: true }, facts), false);
    assert.equal(evaluateCondition({ time: { open: 'Wed 10:00-10:30' } }, facts), true);
    assert.equal(evaluateCondition({ time: { open: 'Wed 10:00-10:30', timeZone: 'Europe/London' } }, facts), false);
    assert.equal(evaluateCondition({ holiday: true }, { ...facts, now: new Date('2026-12-25T15:00:00Z') }), true);
  });

  it('combine with all, any and not', () => {
    assert.equal(evaluateCondition({ all: [{ open: true }, { not: { caller: { startsWith: '+1' } } }] }, facts), true);
    assert.equal(
      evaluateCondition({ any: [{ open: false }, { variable: 'department', equals: 'sales' }] }, facts),
      false,
    );
  });
});
