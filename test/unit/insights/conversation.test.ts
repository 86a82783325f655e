import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValidationError } from '@switchboard/core/errors';
import { assertHasSpeech, conversationJsonSchema, parseConversation } from '@switchboard/core/conversation';
import { sampleConversation } from './sampleConversation';
import { DeadLetterError, isDeadLetterError } from '@switchboard/core/deadLetterError';

function rejects(input: unknown, reason: string, pattern: RegExp) {
  assert.throws(
    () => parseConversation(input, 'transcripts/x.json'),
    (error: unknown) => {
      assert.ok(
        error instanceof DeadLetterError && error instanceof ValidationError,
        'a DeadLetterError (a ValidationError)',
      );
      assert.equal(error.reason, reason);
      assert.equal(error.code, 'validation');
      assert.equal(error.retryable, false);
      assert.match(error.message, pattern);
      return true;
    },
  );
}

describe('conversation document', () => {
  test('accepts a valid conversation from an object, a JSON string or a Buffer', () => {
    const conversation = sampleConversation();
    assert.deepEqual(parseConversation(conversation), conversation);
    assert.deepEqual(parseConversation(JSON.stringify(conversation)), conversation);
    assert.deepEqual(parseConversation(Buffer.from(JSON.stringify(conversation))), conversation);
  });

  test('fills in empty metadata when it is missing', () => {
    const { metadata: _omitted, ...rest } = sampleConversation();
    assert.deepEqual(parseConversation(rest).metadata, {});
  });

  test('rejects invalid JSON as invalid_json without quoting the content', () => {
    rejects(
      '{"schemaVersion": 1, "turns": [ my card is 4111',
      'invalid_json',
      /transcripts\/x\.json: is not valid JSON/,
    );
    assert.throws(
      () => parseConversation('{"a": 4111111111111111', 'x'),
      (e: Error) => !e.message.includes('4111'),
    );
  });

  test('rejects an unsupported schema version with the version it found', () => {
    rejects(
      { ...sampleConversation(), schemaVersion: 2 },
      'unsupported_schema_version',
      /schemaVersion 2 is not supported; expected 1/,
    );
    rejects(
      { ...sampleConversation(), schemaVersion: undefined },
      'unsupported_schema_version',
      /schemaVersion is missing/,
    );
  });

  test('names each wrong field of an invalid document', () => {
    const bad = sampleConversation();
    (bad.turns[1] as { role: string }).role = 'caller';
    (bad as { startedAt: string }).startedAt = 'yesterday';
    rejects(bad, 'invalid_document', /startedAt: Invalid ISO datetime\n\s+- turns\.1\.role: Invalid option/);
    assert.throws(
      () => parseConversation(bad),
      (e: DeadLetterError) => e.details.length === 2,
    );
  });

  test('rejects a turn whose participant is not listed', () => {
    const bad = sampleConversation();
    bad.turns[0].participantId = 'nobody';
    rejects(bad, 'invalid_document', /turns\.0\.participantId: names no participant in participants\[\]/);
  });

  test('rejects ids that cannot name a blob', () => {
    rejects(sampleConversation({ id: '../etc/passwd' }), 'invalid_document', /^[\s\S]*id: must be/);
  });

  test('accepts every call id the app makes, including those that start with - or _ (base64url)', () => {
    for (const id of ['-Qx3vTz0aB1cD2eF3gH4iJ5k', '_Qx3vTz0aB1cD2eF3gH4iJ5k'])
      assert.equal(parseConversation(sampleConversation({ id })).id, id);
    rejects(sampleConversation({ id: '.hidden' }), 'invalid_document', /^[\s\S]*id: must be/);
  });

  test('treats a transcript whose turns have no text as empty_transcript', () => {
    const silent = sampleConversation({ turns: [{ participantId: 'c', role: 'customer', text: '  ', offsetMs: 0 }] });
    assert.throws(
      () => assertHasSpeech(silent),
      (e: unknown) => isDeadLetterError(e) && e.reason === 'empty_transcript',
    );
    assert.throws(() => assertHasSpeech(sampleConversation({ turns: [] })), DeadLetterError);
  });

  test('publishes a JSON Schema that names the required fields and the enums', () => {
    const schema = conversationJsonSchema() as {
      required: string[];
      properties: Record<string, { enum?: string[]; const?: number }>;
    };
    assert.deepEqual(schema.required.sort(), [
      'channel',
      'id',
      'participants',
      'schemaVersion',
      'source',
      'startedAt',
      'turns',
    ]);
    assert.deepEqual(schema.properties.source.enum, ['recording', 'live-transcript', 'chat']);
    assert.equal(schema.properties.schemaVersion.const, 1);
  });
});
