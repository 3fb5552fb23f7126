import type { Filter, ReadStore } from '../../ports/read-store';
import { ACTIVITY_LOGS, ACTIVITY_SORT, type ActivityDoc } from './projector';
import { pageWithTotal } from '../engine/page';

export interface ActivityQuery {
  userId?: number;
  action?: string;
  pelangganId?: number;
  /** Inclusive ISO-8601 bounds on the timestamp. */
  from?: string;
  to?: string;
  skip: number;
  limit: number;
}

export function activityFilter(q: Omit<ActivityQuery, 'skip' | 'limit'>): Filter {
  const filter: Filter = {};
  if (q.userId !== undefined) filter.user_id = q.userId;
  if (q.action !== undefined) filter.action = q.action;
  if (q.pelangganId !== undefined) filter.pelanggan_id = q.pelangganId;
  if (q.from !== undefined || q.to !== undefined) {
    filter.timestamp = { ...(q.from !== undefined ? { $gte: q.from } : {}), ...(q.to !== undefined ? { $lte: q.to } : {}) };
  }
  return filter;
}

/** GET /api/activity-logs/: newest first; each filter combination has its index. */
export async function listActivity(readStore: ReadStore, q: ActivityQuery): Promise<{ items: ActivityDoc[]; total: number }> {
  const col = readStore.collection<ActivityDoc>(ACTIVITY_LOGS);
  const filter = activityFilter(q);
  return pageWithTotal(col, filter, { sort: ACTIVITY_SORT, skip: q.skip, limit: q.limit });
}
