import type { ReadStore } from '../../ports/read-store';
import { SERVICE_USAGE_DAILY, type UsageDayDoc } from './projector';

/** A service's recorded days from `from` to `to` (inclusive, YYYY-MM-DD), oldest first. */
export function usageDays(readStore: ReadStore, subscriptionId: number, from: string, to: string): Promise<UsageDayDoc[]> {
  return readStore
    .collection<UsageDayDoc>(SERVICE_USAGE_DAILY)
    .find({ subscription_id: subscriptionId, date: { $gte: from, $lte: to } }, { sort: { subscription_id: 1, date: 1 } });
}

/** Total megabytes (down + up) per service from `from` to `to`, for several services. */
export async function usageTotals(readStore: ReadStore, subscriptionIds: readonly number[], from: string, to: string): Promise<Map<number, number>> {
  const totals = new Map<number, number>(subscriptionIds.map((id) => [id, 0]));
  if (subscriptionIds.length === 0) return totals;
  const days = await readStore
    .collection<UsageDayDoc>(SERVICE_USAGE_DAILY)
    .find({ subscription_id: { $in: [...subscriptionIds] }, date: { $gte: from, $lte: to } }, { projection: { subscription_id: 1, download_mb: 1, upload_mb: 1 } });
  for (const d of days) totals.set(d.subscription_id, (totals.get(d.subscription_id) ?? 0) + d.download_mb + d.upload_mb);
  return totals;
}
