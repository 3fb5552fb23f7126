import { billingEvents } from '../../domain/billing-events';
import type { Doc } from '../../ports/read-store';
import { applyOnce, insertOnce, type ProjectedEvent, type Projector } from '../engine/projector';

export const ACTIVITY_LOGS = 'activity_logs';
/** User numbers (002's integer user ids) and customer numbers, from their registrations. */
export const ACTIVITY_USER_FACTS = 'activity_user_facts';
export const ACTIVITY_CUSTOMER_FACTS = 'activity_customer_facts';

/**
 * One entry per event of document 002's records: who (the actor of the event's metadata),
 * did what (the event type as an action), to which record (the event's stream), when (its
 * timestamp). Derived from the log, never written by hand.
 */
export interface ActivityDoc extends Doc {
  position: number;
  timestamp: string;
  /** The actor's user number (002 `user_id`), null for the system (jobs, gateways). */
  user_id: number | null;
  user_uuid: string | null;
  user_role: string | null;
  /** `invoice_paid`, `customer_registered`, ... (the event type in snake case). */
  action: string;
  /** The stream's category and id: `invoice` 7, `customer` <uuid>, `subscription` 3 ... */
  record_type: string;
  record_id: string;
  /** Document 002's customer id the record belongs to, when there is one. */
  pelanggan_id: number | null;
}

/**
 * Steps that only follow another one in the same command (the payment link after an issue, the
 * invoice's share of a payment whose own PaymentReceived is listed): not actions of their own.
 */
const FOLLOW_UPS: ReadonlySet<string> = new Set(['InvoicePaymentLinkCreated', 'InvoicePaymentLinkFailed', 'InvoicePaymentRecorded']);

/** The event types the activity log shows: customers, billing, the RouterOS sync, staff logins. */
export const ACTIVITY_EVENT_TYPES: readonly string[] = [
  'CustomerRegistered',
  'CustomerUpdated',
  'CustomerClosed',
  ...billingEvents.map((e) => e.type).filter((t) => !FOLLOW_UPS.has(t)),
  'PppoeSynced',
  'PppoeSyncFailed',
  'UserLoggedIn',
];

export const actionOf = (type: string): string => type.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

export function recordOf(streamName: string): { type: string; id: string } {
  const dash = streamName.indexOf('-');
  return dash < 0 ? { type: streamName, id: '' } : { type: streamName.slice(0, dash), id: streamName.slice(dash + 1) };
}

export const ACTIVITY_SORT = { timestamp: -1, position: -1 } as const;

export const activityLogsProjector: Projector = {
  name: 'activity_logs',
  handles: [...new Set([...ACTIVITY_EVENT_TYPES, 'UserRegistered'])],
  collections: {
    // Newest first; each filter an equality before the sort. A user and an action together have
    // their own index: most entries have no user (the system's), so SQLite judged the user index
    // unselective and walked the action's entries for the user's (213,000 entries for an action
    // the user never did: 4 req/s). Each index costs on every event and rebuild.
    [ACTIVITY_LOGS]: [
      { keys: ACTIVITY_SORT },
      { keys: { user_id: 1, ...ACTIVITY_SORT } },
      { keys: { action: 1, ...ACTIVITY_SORT } },
      { keys: { user_id: 1, action: 1, ...ACTIVITY_SORT } },
      { keys: { pelanggan_id: 1, ...ACTIVITY_SORT } },
    ],
    [ACTIVITY_USER_FACTS]: [],
    [ACTIVITY_CUSTOMER_FACTS]: [],
  },
  async apply(event: ProjectedEvent, ctx) {
    const users = ctx.collection<Doc & { number: number }>(ACTIVITY_USER_FACTS);
    const customers = ctx.collection<Doc & { number: number }>(ACTIVITY_CUSTOMER_FACTS);
    const data = event.data as { userId?: unknown; number?: unknown; customerId?: unknown; pelangganId?: unknown };
    if (event.type === 'UserRegistered' && typeof data.userId === 'string' && typeof data.number === 'number') {
      await applyOnce(users, data.userId, event.position, { $set: { number: data.number } }, { upsert: true });
    }
    if (event.type === 'CustomerRegistered' && typeof data.customerId === 'string' && typeof data.number === 'number') {
      await applyOnce(customers, data.customerId, event.position, { $set: { number: data.number } }, { upsert: true });
    }
    if (!ACTIVITY_EVENT_TYPES.includes(event.type)) return;
    // A login has no signed-in actor yet: the one who logged in is the user of the event.
    const actor = event.metadata.actor ?? (event.type === 'UserLoggedIn' && typeof data.userId === 'string' ? { userId: data.userId, role: null } : null);
    const person = actor && actor.userId !== 'system' ? actor : null;
    const userNumber = person ? ((await users.findOne({ _id: person.userId }))?.number ?? null) : null;
    let pelangganId: number | null = typeof data.pelangganId === 'number' ? data.pelangganId : null;
    if (pelangganId === null && typeof data.customerId === 'string') pelangganId = (await customers.findOne({ _id: data.customerId }))?.number ?? null;
    const record = recordOf(event.streamName);
    await insertOnce<ActivityDoc>(
      ctx.collection<ActivityDoc>(ACTIVITY_LOGS),
      {
        _id: event.id,
        position: event.position,
        timestamp: event.metadata.timestamp,
        user_id: userNumber,
        user_uuid: person?.userId ?? null,
        user_role: actor?.role ?? null,
        action: actionOf(event.type),
        record_type: record.type,
        record_id: record.id,
        pelanggan_id: pelangganId,
      },
      event.position,
    );
  },
};
