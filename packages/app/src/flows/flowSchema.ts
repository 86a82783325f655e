import { z } from 'zod';

// The flow language's shape. Cross-references (next targets, reachability), time zones and schedules
// are checked by validateFlows, which names file, flow, step and field; this module stays free of
// refinements so that z.toJSONSchema renders all of it for editors.

import { E164, NAME } from './patterns';

export { ACS_USER, E164, NAME } from './patterns';
import type { MessagingAgent } from './flowFileSchema';
export type { MessagingAgent } from './flowFileSchema';

export const e164 = z.string().regex(E164, 'must be an E.164 phone number: "+", country code, up to 15 digits');
const stepRef = z.string().regex(NAME, 'must name a step (letters, digits, _ or -, starting with a letter)');
const variableName = z
  .string()
  .regex(NAME, 'must be a variable name (letters, digits, _ or -, starting with a letter)');
const seconds = (min: number, max: number) => z.number().int().min(min).max(max);

/** A phone number (E.164) or an ACS user (8:acs:...). */
export const participantTarget = z
  .string()
  .regex(
    /^(\+[1-9]\d{1,14}|8:[a-z]+:\S+)$/,
    'must be an E.164 phone number (+15551234567) or an ACS user id (8:acs:...)',
  );

const promptPart = z.union(
  [
    z.string().min(1),
    z.strictObject({
      text: z.string().min(1),
      voice: z.string().min(1).optional(),
      locale: z.string().min(2).optional(),
    }),
    z.strictObject({ ssml: z.string().min(1) }),
    z.strictObject({ audio: z.url({ protocol: /^https?$/ }) }),
  ],
  { error: 'must be text, {text, voice?, locale?}, {ssml} or {audio: https URL}' },
);

/** What the caller hears: text (with {{variables}}), SSML or an audio file, or a list of them in order. */
export const prompt = z
  .union([promptPart, z.array(promptPart).min(1)], {
    error: 'must be text, {text, voice?, locale?}, {ssml}, {audio: https URL} or a list of those',
  })
  .meta({ id: 'Prompt' });

const valueTest = {
  equals: z.string().optional(),
  in: z.array(z.string()).min(1).optional(),
  startsWith: z.string().min(1).optional(),
  matches: z.string().min(1).optional().describe('a regular expression'),
  exists: z.boolean().optional(),
};

export type ValueTest = { equals?: string; in?: string[]; startsWith?: string; matches?: string; exists?: boolean };
export type Condition =
  | ({ variable: string } & ValueTest)
  | { caller: ValueTest }
  | { dialled: ValueTest }
  | { time: { open: string | string[]; timeZone?: string } }
  | { open: boolean }
  | { holiday: boolean }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const condition: z.ZodType<Condition> = z
  .lazy(() =>
    z.union(
      [
        z.strictObject({ variable: variableName, ...valueTest }),
        z.strictObject({ caller: z.strictObject(valueTest) }),
        z.strictObject({ dialled: z.strictObject(valueTest) }),
        z.strictObject({
          time: z.strictObject({
            open: z.union([z.string(), z.array(z.string()).min(1)]),
            timeZone: z.string().optional(),
          }),
        }),
        z.strictObject({ open: z.boolean() }),
        z.strictObject({ holiday: z.boolean() }),
        z.strictObject({ all: z.array(condition).min(1) }),
        z.strictObject({ any: z.array(condition).min(1) }),
        z.strictObject({ not: condition }),
      ],
      {
        error:
          'must be one of {variable, equals|in|startsWith|matches|exists}, {caller: test}, {dialled: test}, {time: {open}}, {open}, {holiday}, {all: [...]}, {any: [...]}, {not: ...}',
      },
    ),
  )
  .meta({ id: 'Condition' });

const common = {
  description: z.string().optional(),
  onError: stepRef.optional().describe('step to go to when a Call Automation request for this step fails'),
};

export const sayStep = z.strictObject({
  say: prompt,
  next: stepRef.optional(),
  hangup: z.literal(true).optional().describe('hang up after saying it'),
  ...common,
});

export const choice = z.strictObject({
  label: z.string().min(1),
  dtmf: z
    .string()
    .regex(/^[0-9*#A-D]$/, 'must be one key: 0-9, *, # or A-D')
    .optional(),
  phrases: z.array(z.string().min(1)).min(1).optional(),
  next: stepRef,
});

export const askStep = z.strictObject({
  ask: prompt,
  input: z.enum(['dtmf', 'speech', 'choices', 'speechOrDtmf']).optional().describe('default: choices'),
  choices: z.array(choice).min(1),
  retries: z.number().int().min(0).max(5).optional().describe('re-prompts after no input or no match; default 2'),
  noInput: prompt.optional(),
  noMatch: prompt.optional(),
  timeoutSeconds: seconds(1, 300).optional().describe('initial silence before no-input; default 5'),
  bargeIn: z.boolean().optional().describe('caller may answer while the prompt plays; default true'),
  language: z.string().min(2).optional(),
  saveAs: variableName.optional().describe('variable that receives the chosen label'),
  onFail: stepRef.optional().describe('step after the retries are used up; default: hang up'),
  ...common,
});

export const collectStep = z.strictObject({
  collect: z.strictObject({
    into: variableName,
    prompt,
    minLength: z.number().int().min(1).max(30).optional(),
    maxLength: z.number().int().min(1).max(30),
    stopTone: z.enum(['#', '*', 'none']).optional().describe('default #'),
    pattern: z.string().min(1).optional().describe('a regular expression the digits must match'),
    timeoutSeconds: seconds(1, 300).optional(),
    interDigitTimeoutSeconds: seconds(1, 60).optional(),
    retries: z.number().int().min(0).max(5).optional(),
    noInput: prompt.optional(),
    invalid: prompt.optional(),
  }),
  next: stepRef.optional(),
  onFail: stepRef.optional(),
  ...common,
});

export const transferStep = z.strictObject({
  transfer: participantTarget,
  announce: prompt.optional(),
  timeoutSeconds: seconds(5, 600).optional().describe('how long the target may ring; default 60'),
  fallback: stepRef.optional().describe('step when the transfer fails or nobody answers; default: hang up'),
  ...common,
});

export const addParticipantStep = z.strictObject({
  addParticipant: z.strictObject({
    target: participantTarget,
    announce: prompt.optional(),
    timeoutSeconds: seconds(5, 600).optional(),
  }),
  next: stepRef.optional(),
  fallback: stepRef.optional(),
  ...common,
});

export const recordStep = z.strictObject({
  record: z.strictObject({
    consent: prompt.optional().describe('played before recording starts'),
    maxSeconds: seconds(5, 3600).optional().describe('default 120'),
  }),
  next: stepRef.optional(),
  ...common,
});

export const smsStep = z.strictObject({
  sms: z.union([z.string().min(1), z.strictObject({ text: z.string().min(1), from: e164.optional() })], {
    error: 'must be the text, or {text, from?}',
  }),
  next: stepRef.optional(),
  ...common,
});

/** The arguments a tool takes: one object of named arguments, as function-calling models expect. */
const toolParameters = z
  .looseObject({
    type: z
      .literal('object', { error: 'must be "object": the model passes the tool one object of named arguments' })
      .describe('object'),
    properties: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      .optional()
      .describe("each argument's JSON Schema, by name, e.g. {orderId: {type: string}}"),
    required: z.array(z.string()).optional().describe('the arguments the model must give'),
  })
  .describe('JSON Schema of the arguments object ({type: object, properties, required}); default: no arguments');

/** An HTTP tool a voice agent may call: the bridge POSTs the model's arguments to the https URL. */
export const agentToolSchema = z.strictObject(
  {
    kind: z
      .literal('http', { error: 'is not a tool kind: tools are http (handoff and endCall are built in)' })
      .optional()
      .describe('http, the only kind (the default)'),
    name: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be a tool name (letters, digits, _)')
      .describe('what the model calls it: a letter, then letters, digits or _ (up to 64)'),
    description: z.string().min(1).describe('what it does and when to use it, for the model'),
    parameters: toolParameters.default({ type: 'object', properties: {} }),
    url: z
      .url({
        protocol: /^https$/,
        error: (issue) =>
          typeof issue.input === 'string' && /^http:/i.test(issue.input)
            ? "must be https, not http: the bridge sends the caller's words and its token only over https"
            : 'must be an https URL, e.g. https://api.contoso.com/orders/status',
      })
      .describe(
        'https URL the bridge POSTs the arguments to, as JSON; the answer (its first 4,000 characters) goes to the model',
      ),
    auth: z
      .enum(['managedIdentity', 'none'])
      .default('none')
      .describe("managedIdentity: a bearer token of the bridge's identity for scope; none: no credentials"),
    scope: z
      .string()
      .min(1)
      .optional()
      .describe('token scope when auth is managedIdentity (required then), e.g. api://orders-api/.default'),
    timeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(30)
      .default(5)
      .describe('how long the bridge waits for the answer; a timeout is told to the model, and the call goes on'),
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? 'must be an HTTP tool {name, description, url, ...}; handoff and endCall are built in, not listed here'
        : undefined,
  },
);

export const voiceAgentStep = z.strictObject({
  voiceAgent: z.strictObject({
    instructions: z
      .string()
      .min(1)
      .describe('what the agent is for (its system prompt): what it helps with, and when to hand the caller over'),
    tools: z
      .array(agentToolSchema)
      .max(16)
      .optional()
      .describe(
        'HTTP tools the agent may call (up to 16); endCall, and handoff when the step has one, are built in; a failing or unknown tool is told to the model and the call goes on',
      ),
    greeting: z
      .string()
      .min(1)
      .optional()
      .describe('what the agent says first, word for word; without it the agent waits for the caller'),
    voice: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Azure voice of the agent, e.g. en-US-AvaMultilingualNeural (voicelive provider; default: the flow's voice.name, else VOICELIVE_VOICE); openai-realtime speaks with AZURE_OPENAI_REALTIME_VOICE",
      ),
    maxMinutes: z
      .number()
      .int()
      .min(1)
      .max(120)
      .optional()
      .describe('how long the agent may talk (default 30); then the call goes to handoff, else next'),
    handoff: stepRef
      .optional()
      .describe('step when the agent hands the caller to a person (without it the agent cannot hand over)'),
    fallback: stepRef
      .optional()
      .describe(
        'step when the agent cannot go on: media streaming does not start, or the model is unreachable or drops (after a short apology); default: handoff, else next',
      ),
  }),
  next: stepRef.optional().describe('step after the agent ends the conversation (its endCall tool)'),
  ...common,
});

export const hangupStep = z.strictObject({ hangup: z.literal(true), description: z.string().optional() });

export const branchStep = z.strictObject({
  branch: z.array(z.strictObject({ when: condition, next: stepRef })).min(1),
  otherwise: stepRef,
  description: z.string().optional(),
});

/** Each step does one thing; the key that says what it does picks its schema. */
export const stepSchemas = {
  say: sayStep,
  ask: askStep,
  collect: collectStep,
  transfer: transferStep,
  addParticipant: addParticipantStep,
  record: recordStep,
  sms: smsStep,
  voiceAgent: voiceAgentStep,
  branch: branchStep,
  hangup: hangupStep,
} as const;

export type StepKind = keyof typeof stepSchemas;
export const STEP_KINDS = Object.keys(stepSchemas) as StepKind[];

export const step = z
  .union(Object.values(stepSchemas) as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]])
  .meta({ id: 'Step' });

const overflowTarget = z.union(
  [
    z.strictObject({ redirect: participantTarget }),
    z.strictObject({ flow: z.string().regex(NAME) }),
    z.strictObject({ reject: z.enum(['busy', 'forbidden']) }),
  ],
  { error: 'must be {redirect: number or ACS user}, {flow: name} or {reject: busy|forbidden}' },
);

export const hours = z.strictObject({
  timeZone: z.string().min(1).describe('IANA time zone, e.g. America/New_York'),
  open: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).describe('e.g. "Mon-Fri 08:00-18:00"'),
  holidays: z
    .array(z.union([z.string(), z.strictObject({ date: z.string(), name: z.string().optional() })]))
    .optional()
    .describe('YYYY-MM-DD for one day, MM-DD for every year'),
  closed: stepRef.optional().describe('step that answers when closed; else overflow.whenClosed; else reject busy'),
});

export const overflow = z.strictObject({
  maxActiveCalls: z.number().int().min(1).optional(),
  whenBusy: overflowTarget.optional().describe('when maxActiveCalls is reached; default reject busy'),
  whenClosed: overflowTarget.optional(),
});

/** The flow without its steps; the steps are validated one by one for precise errors. */
export const flowHeader = z.strictObject({
  description: z.string().optional(),
  numbers: z.array(e164).optional().describe('dialled numbers this flow answers; none for outbound-only flows'),
  hours: hours.optional(),
  blockList: z.array(z.string().regex(/^\+\d{1,15}$/, 'must be an E.164 number or prefix, e.g. "+1900"')).optional(),
  overflow: overflow.optional(),
  voice: z.strictObject({ name: z.string().min(1).optional(), locale: z.string().min(2).optional() }).optional(),
  sms: z.strictObject({ from: e164 }).optional().describe('sender of sms steps; default: the dialled number'),
  variables: z.record(variableName, z.string()).optional(),
  transcription: z
    .strictObject({ locale: z.string().min(2).describe('BCP-47 locale of the callers, e.g. en-US') })
    .optional()
    .describe('live transcription of the whole call, streamed to the media bridge (which writes transcripts/)'),
  followUp: z
    .strictObject({
      agent: z.string().min(1).describe('the messaging agent (in a `messaging` section) that sends it'),
      channel: z.enum(['sms', 'whatsapp']),
    })
    .optional()
    .describe(
      "after the call's summary, send the caller its resolution (SMS, or WhatsApp as the agent's template outside the 24-hour window)",
    ),
  start: stepRef,
  onError: stepRef.optional().describe('step for failed Call Automation requests when a step has no onError'),
  maxSteps: z.number().int().min(1).max(1000).optional().describe('loop guard; default 200'),
  steps: z.record(z.string(), z.unknown()),
});

export const flowSchema = flowHeader.extend({ steps: z.record(stepRef, step) });

export type Prompt = z.infer<typeof prompt>;
export type PromptPart = z.infer<typeof promptPart>;
export type Choice = z.infer<typeof choice>;
export type SayStep = z.infer<typeof sayStep>;
export type AskStep = z.infer<typeof askStep>;
export type CollectStep = z.infer<typeof collectStep>;
export type TransferStep = z.infer<typeof transferStep>;
export type AddParticipantStep = z.infer<typeof addParticipantStep>;
export type RecordStep = z.infer<typeof recordStep>;
export type SmsStep = z.infer<typeof smsStep>;
export type VoiceAgentStep = z.infer<typeof voiceAgentStep>;
export type HangupStep = z.infer<typeof hangupStep>;
export type BranchStep = z.infer<typeof branchStep>;
export type Step =
  | SayStep
  | AskStep
  | CollectStep
  | TransferStep
  | AddParticipantStep
  | RecordStep
  | SmsStep
  | VoiceAgentStep
  | HangupStep
  | BranchStep;
export type Hours = z.infer<typeof hours>;
export type OverflowTarget = z.infer<typeof overflowTarget>;
export type Flow = Omit<z.infer<typeof flowHeader>, 'steps'> & { steps: Record<string, Step> };
export interface FlowSet {
  flows: Record<string, Flow>;
  /** The file each flow came from, for messages. */
  sources: Record<string, string>;
  /** Messaging agents by name, and the file each came from. */
  messaging?: Record<string, MessagingAgent>;
  messagingSources?: Record<string, string>;
}

/** Which kind a validated step is: say+hangup counts as say. */
export function stepKind(s: Step): StepKind {
  for (const kind of STEP_KINDS) if (kind in s) return kind;
  throw new Error('step of unknown kind');
}
