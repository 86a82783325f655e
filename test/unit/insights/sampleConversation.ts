import type { Conversation } from '@switchboard/core/conversation';

/** A small valid conversation; tests override what they need. */
export function sampleConversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    schemaVersion: 1,
    id: 'call-123',
    source: 'recording',
    channel: 'voice',
    startedAt: '2025-03-14T15:09:26Z',
    durationMs: 5000,
    participants: [
      { id: 'c', role: 'customer' },
      { id: 'a', role: 'agent', displayName: 'Sarah Mitchell' },
    ],
    turns: [
      { participantId: 'a', role: 'agent', text: 'Contoso, how can I help?', offsetMs: 0 },
      {
        participantId: 'c',
        role: 'customer',
        text: 'I was charged twice this month.',
        offsetMs: 1500,
        confidence: 0.9,
      },
    ],
    metadata: {},
    ...overrides,
  };
}
