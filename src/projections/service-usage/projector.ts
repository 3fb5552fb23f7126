import type { ServiceUsageEvent } from '../../domain/service-usage';
import type { Doc } from '../../ports/read-store';
import { applyOnce, type ProjectedEvent, type Projector } from '../engine/projector';

export const SERVICE_USAGE_DAILY = 'service_usage_daily';

/**
 * One document per service and day (`_id` `<subscriptionId>|<YYYY-MM-DD>`) with the day's
 * latest totals: a DailyUsageRecorded replaces them ($set, not $inc), so a repeated batch
 * replaces rather than adds. Megabytes, integers.
 */
export interface UsageDayDoc extends Doc {
  subscription_id: number;
  customer_id: string;
  date: string;
  month: string;
  download_mb: number;
  upload_mb: number;
  updated_at: string;
}

export const usageDayId = (subscriptionId: number, date: string): string => `${subscriptionId}|${date}`;

export const serviceUsageProjector: Projector = {
  name: 'service_usage',
  handles: ['DailyUsageRecorded'],
  // A service's days in a range (the usage endpoint, this month's total of the services list).
  collections: { [SERVICE_USAGE_DAILY]: [{ keys: { subscription_id: 1, date: 1 } }] },
  async apply(raw, ctx) {
    const event = raw as ProjectedEvent & ServiceUsageEvent;
    const d = event.data;
    await applyOnce(
      ctx.collection<UsageDayDoc>(SERVICE_USAGE_DAILY),
      usageDayId(d.subscriptionId, d.date),
      event.position,
      {
        $set: {
          subscription_id: d.subscriptionId,
          customer_id: d.customerId,
          date: d.date,
          month: d.date.slice(0, 7),
          download_mb: d.downloadMb,
          upload_mb: d.uploadMb,
          updated_at: d.recordedAt,
        },
      },
      { upsert: true },
    );
  },
};
