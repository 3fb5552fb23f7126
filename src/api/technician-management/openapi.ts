import { z } from 'zod';
import { uuid } from '../openapi/schema';

/**
 * What every document 000 route declaration shares for the OpenAPI document: `{ success, data }`,
 * the document's error format, the bearer token, and the tags of its areas.
 */
export const tms = { errors: 'tms' as const, envelope: 'tms' as const, auth: true };

/** A UUID path id; a malformed one is 404, like an unknown one (src/api/http/conditional.ts uuidParam). */
export const uuidPathParam = (what: string) => ({
  id: { schema: uuid(), description: `The ${what} id (UUID; anything else is 404).` },
});

/** `:id`, a UUID (case-insensitive, answered lower-case); anything else names nothing (404). */
export const uuidParams = (what: string) =>
  z.object({
    id: z
      .string()
      .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i)
      .transform((s) => s.toLowerCase())
      .describe(`The ${what} id (UUID; anything else is 404).`),
  });

export const TAGS = {
  users: '000 · Users',
  customers: '000 · Customers',
  tickets: '000 · Tickets',
  technicians: '000 · Technicians',
  notifications: '000 · Notifications',
  mobile: '000 · Mobile',
  reports: '000 · Reports',
} as const;
