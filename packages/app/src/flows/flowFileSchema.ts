import { z } from 'zod';
import { NAME, e164, flowSchema, participantTarget } from './flowSchema';

// The flow file as a whole: its flows and its `messaging` section.

// --- Messaging agents (the file's `messaging` section): one definition answers SMS, chat and WhatsApp. ---

const perChannelLimit = z.strictObject({
  maxChars: z.number().int().min(20).max(4096).optional().describe('longest reply; longer ones are shortened'),
  perSenderPerHour: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe('replies per customer per hour; beyond it the agent stays silent (stops loops with other bots)'),
});

export const messagingAgentSchema = z.strictObject({
  description: z.string().optional(),
  numbers: z.array(e164).optional().describe('SMS numbers this agent answers'),
  chat: z.boolean().optional().describe('answers the chat bot identity (CHAT_BOT_USER_ID)'),
  whatsapp: z
    .strictObject({
      channelId: z.uuid().describe('ACS channel registration id of the WhatsApp business number'),
      template: z
        .strictObject({
          name: z.string().min(1),
          language: z.string().min(2).describe('e.g. en_US'),
          parameters: z
            .array(z.string())
            .optional()
            .describe('body parameters in order; {{text}} is the message the template carries'),
        })
        .optional()
        .describe('approved template for business-initiated messages outside the 24-hour window'),
    })
    .optional(),
  language: z.enum(['en', 'es', 'fr']).optional().describe('language of the fixed replies; default en'),
  instructions: z.string().min(1).describe('what the agent is and how it answers (the model system prompt)'),
  faq: z
    .array(
      z.strictObject({
        question: z.string().min(1),
        answer: z.string().min(1),
        phrases: z.array(z.string().min(1)).optional().describe('other ways customers ask'),
      }),
    )
    .optional(),
  tools: z
    .strictObject({
      handoff: z
        .strictObject({
          to: participantTarget.optional().describe('a person (ACS user) to add to chats; default CHAT_AGENT_USER_ID'),
          queue: z.string().min(1).optional().describe('the queue named in exports and summaries'),
        })
        .optional(),
      callMeBack: z
        .strictObject({ flow: z.string().regex(NAME), from: e164.optional() })
        .optional()
        .describe('starts this outbound call flow to the customer'),
      http: z
        .array(
          z.strictObject({
            name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/),
            description: z.string().min(1),
            url: z.url({ protocol: /^https?$/ }),
            method: z.enum(['GET', 'POST']).optional(),
            parameters: z.record(z.string(), z.unknown()).optional().describe('JSON Schema of the arguments'),
          }),
        )
        .optional(),
    })
    .optional(),
  limits: z
    .strictObject({
      sms: perChannelLimit.extend({ maxSegments: z.number().int().min(1).max(10).optional() }).optional(),
      chat: perChannelLimit.optional(),
      whatsapp: perChannelLimit.optional(),
    })
    .optional(),
  historyTurns: z.number().int().min(2).max(100).optional().describe('turns of memory sent to the model; default 12'),
});

export const flowFileSchema = z.strictObject({
  $schema: z.string().optional(),
  flows: z.record(z.string().regex(NAME), flowSchema),
  messaging: z.record(z.string().regex(NAME), messagingAgentSchema).optional(),
});

export type MessagingAgent = z.infer<typeof messagingAgentSchema>;
