import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalChatModel } from '@switchboard/local-ai/chat/localChatModel';
import type { MessagingAgent } from '@switchboard/app/flows/flowSchema';

const agent = {
  faq: [
    {
      question: 'What are your opening hours?',
      answer: 'We are open Monday to Friday.',
      phrases: ['when are you open'],
    },
    { question: 'How do I get a refund?', answer: 'Refunds go back to your card.' },
  ],
} as MessagingAgent;

const ask = (question: string) =>
  createLocalChatModel(agent).complete({ turns: [{ role: 'user', content: question }], tools: [] });

describe('the offline messaging model', () => {
  it('answers a question asked in other words from the FAQ entry it matches', async () => {
    assert.deepEqual(await ask('Hi, when are you open on Saturday?'), {
      kind: 'text',
      text: 'We are open Monday to Friday.',
    });
    assert.deepEqual(await ask('Any news on my refunds?'), { kind: 'text', text: 'Refunds go back to your card.' });
  });

  it('says what it can help with when nothing in the FAQ fits', async () => {
    const reply = await ask('What is the capital of Peru?');
    assert.equal(reply.kind, 'text');
    assert.match(reply.kind === 'text' ? reply.text : '', /what are your opening hours/);
  });
});
