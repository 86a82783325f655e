import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { conversationFromChatExport } from '@switchboard/app/insights/conversationFromChatExport';
import { DeadLetterError } from '@switchboard/core/deadLetterError';

// Messages as the ACS chat SDK's listMessages yields them (newest first), serialised to JSON.
const messages = [
  {
    id: '5',
    type: 'text',
    sequenceId: '5',
    version: '5',
    createdOn: '2025-03-14T10:02:00.000Z',
    senderDisplayName: 'Grace',
    sender: { kind: 'communicationUser', communicationUserId: '8:acs:agent' },
    content: { message: 'I have processed the refund.' },
  },
  {
    id: '4',
    type: 'html',
    sequenceId: '4',
    version: '4',
    createdOn: '2025-03-14T10:01:30.000Z',
    senderDisplayName: 'Tom',
    sender: { kind: 'communicationUser', communicationUserId: '8:acs:customer' },
    content: { message: '<p>Still <b>no</b> refund &amp; no reply</p>' },
  },
  {
    id: '3',
    type: 'participantAdded',
    sequenceId: '3',
    version: '3',
    createdOn: '2025-03-14T10:01:00.000Z',
    content: { participants: [] },
  },
  {
    id: '2',
    type: 'text',
    sequenceId: '2',
    version: '2',
    createdOn: '2025-03-14T10:00:10.000Z',
    senderDisplayName: 'Contoso Bot',
    sender: { kind: 'communicationUser', communicationUserId: '8:acs:bot' },
    content: { message: 'Hi! How can I help?' },
  },
  {
    id: '1',
    type: 'text',
    sequenceId: '1',
    version: '1',
    createdOn: '2025-03-14T10:00:00.000Z',
    senderDisplayName: 'Tom',
    sender: { kind: 'communicationUser', communicationUserId: '8:acs:customer' },
    content: { message: 'Where is my refund?' },
  },
];

describe('chat export to conversation', () => {
  test('orders messages by sequence id, keeps only text and html, and measures offsets from the first', () => {
    const c = conversationFromChatExport(messages, { threadId: '19:abc@thread.v2' });
    assert.equal(c.source, 'chat');
    assert.equal(c.id, '19-abc-thread.v2');
    assert.equal(c.startedAt, '2025-03-14T10:00:00.000Z');
    assert.deepEqual(
      c.turns.map((t) => t.text),
      ['Where is my refund?', 'Hi! How can I help?', 'Still no refund & no reply', 'I have processed the refund.'],
    );
    assert.deepEqual(
      c.turns.map((t) => t.offsetMs),
      [0, 10_000, 90_000, 120_000],
    );
    assert.equal(c.durationMs, 120_000);
    assert.equal(c.metadata.threadId, '19:abc@thread.v2');
  });

  test('infers roles: the bot by its name, the first human as customer, later humans as agents', () => {
    const c = conversationFromChatExport(messages, { threadId: 't1' });
    assert.deepEqual(
      c.participants.map((p) => [p.id, p.role]),
      [
        ['8:acs:customer', 'customer'],
        ['8:acs:bot', 'bot'],
        ['8:acs:agent', 'agent'],
      ],
    );
  });

  test('lets known identities override the inferred roles', () => {
    const c = conversationFromChatExport(
      { threadId: 't2', messages },
      { threadId: 't2', roles: { '8:acs:bot': 'agent' } },
    );
    assert.equal(c.participants.find((p) => p.id === '8:acs:bot')?.role, 'agent');
  });

  test('rejects a non-list with the path of the problem, and a thread without text as empty', () => {
    assert.throws(
      () => conversationFromChatExport({ messages: [{ id: 1 }] }, { threadId: 't' }),
      (e: DeadLetterError) => e.reason === 'invalid_document' && /messages\.0/.test(e.message),
    );
    assert.throws(
      () => conversationFromChatExport('not json', { threadId: 't' }),
      (e: DeadLetterError) => e.reason === 'invalid_json',
    );
    assert.throws(
      () => conversationFromChatExport([messages[2]], { threadId: 't' }),
      (e: DeadLetterError) => e.reason === 'empty_transcript',
    );
  });
});
