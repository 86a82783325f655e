import { z } from 'zod';

// A scripted caller: who calls which number, how agents behave, and step by step what the caller does
// and what must happen. Steps run in order; each `expect` waits (with a timeout) for a timeline entry.

const phone = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number like +14255550123');

const expectation = z
  .strictObject({
    /** A Call Automation request the app makes: answerCall, play, recognize, transferToParticipant, ... */
    request: z.string().optional(),
    /** A callback ACS sends the app: CallConnected, RecognizeCompleted, CallDisconnected, ... */
    event: z.string().optional(),
    /** Something in the PSTN world: transferConnected, missed, dtmfSent, ... */
    world: z.string().optional(),
    /** An Event Grid event type ACS publishes. */
    eventGrid: z.string().optional(),
    timeoutMs: z.number().int().positive().max(600_000).optional(),
  })
  .refine(
    (e) => [e.request, e.event, e.world, e.eventGrid].filter(Boolean).length === 1,
    'name exactly one of request, event, world, eventGrid',
  );

const step = z.union([
  z.strictObject({ expect: expectation }),
  z.strictObject({ press: z.string().regex(/^[0-9*#A-D]+$/, 'must be keypad keys: 0-9, *, #, A-D') }),
  z.strictObject({ say: z.string().min(1) }),
  z.strictObject({ silence: z.literal(true) }),
  z.strictObject({ hangup: z.literal(true) }),
  z.strictObject({ expectConnectedTo: phone }),
]);

export const scenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  from: phone,
  to: phone,
  agents: z.record(phone, z.enum(['answer', 'reject', 'noAnswer'])).optional(),
  timeoutMs: z.number().int().positive().max(600_000).default(15_000),
  steps: z.array(step).min(1),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioStep = Scenario['steps'][number];
