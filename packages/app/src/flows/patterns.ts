// The flow language's lexical patterns, apart from its zod schemas so that code running calls (the
// orchestration, routing) can use them without loading zod when the worker starts.

export const E164 = /^\+[1-9]\d{1,14}$/;
export const ACS_USER = /^8:[a-z]+:\S+$/;
export const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
