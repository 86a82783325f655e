import { z } from 'zod';

// Zod pieces every settings schema shares (the app's and the bridge's).

export const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `must be an absolute ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL`,
    );

export const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema.optional());
