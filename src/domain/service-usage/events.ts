import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';

/**
 * Usage of a service instance (a subscription), as daily aggregates (document 004 "Portal
 * Services" usage; fed by POST /api/v1/services/usage, e.g. from RADIUS accounting). Stream
 * `service_usage-<subscriptionId>-<YYYY-MM>`: one per service and month, so a stream stays
 * small (at most a few events per day) whatever the service's age.
 *
 * Not an event per sample: a batch carries one counter per service and day, and each
 * DailyUsageRecorded holds the day's totals as the batch gave them. A repeated batch for the
 * same service and day REPLACES the day (the read model keeps the latest event's values; the
 * event names what it replaced, `previous`), and a batch with the same values records nothing,
 * so re-sending a batch after a failure is harmless. Amounts are integer megabytes (decimal:
 * 1 GB = 1000 MB), never floats.
 */
const usage = z.object({ downloadMb: z.number().int().nonnegative(), uploadMb: z.number().int().nonnegative() });

export const DailyUsageRecorded = defineEvent(
  'DailyUsageRecorded',
  z.object({
    subscriptionId: z.number().int().positive(),
    customerId: z.string(),
    /** YYYY-MM-DD. */
    date: z.string(),
    ...usage.shape,
    /** The values this replaces, or null for the day's first record. */
    previous: usage.nullable(),
    /** The ingestion request that brought it. */
    batchId: z.string(),
    recordedAt: z.string(),
  }),
);

export const serviceUsageEvents = [DailyUsageRecorded];
export type ServiceUsageEvent = EventOf<typeof DailyUsageRecorded>;

export const serviceUsageStream = (subscriptionId: number, month: string): string => `service_usage-${subscriptionId}-${month}`;
