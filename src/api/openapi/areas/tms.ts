import { uuid } from '../schema';

/** What every document 000 operation shares: `{ success, data }`, its error format, the bearer token. */
export const tms = { errors: 'tms' as const, envelope: 'tms' as const, auth: true };

/** A UUID path id; a malformed one is 404, like an unknown one (src/api/http/conditional.ts uuidParam). */
export const uuidPathParam = (what: string) => ({
  id: { schema: uuid(), description: `The ${what} id (UUID; anything else is 404).` },
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
