import { z } from 'zod';
import { ValidationError } from '@switchboard/core/errors';

// POST /api/insights/ask body: {question, customer?, from?, to?}; problems name the field.

const isoDate = z
  .string()
  .trim()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 date or time');

const schema = z
  .object({
    question: z.string().trim().min(1, 'is required').max(1000, 'is at most 1000 characters'),
    customer: z.string().trim().min(1).max(100).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .strict();

export interface AskRequest {
  question: string;
  /** The customer's number (or ACS user id) as typed; only its hash is looked up. */
  customer?: string;
  from?: Date;
  to?: Date;
}

export function parseAskRequest(body: unknown): AskRequest {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(`${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  const { question, customer, from, to } = parsed.data;
  const request: AskRequest = { question, ...(customer ? { customer } : {}) };
  if (from) request.from = new Date(from);
  if (to) request.to = new Date(to);
  if (request.from && request.to && request.from >= request.to) throw new ValidationError('from: must be before to');
  return request;
}
