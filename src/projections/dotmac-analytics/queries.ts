import type { ReadStore } from '../../ports/read-store';
import { ANALYTICS_DAILY, type DailyCounters } from './projector';

/** The day counters from `from` to `to` (YYYY-MM-DD, inclusive), oldest first: one document a day at most. */
export function dailyCounters(readStore: ReadStore, from: string, to: string): Promise<DailyCounters[]> {
  return readStore.collection<DailyCounters>(ANALYTICS_DAILY).find({ date: { $gte: from, $lte: to } }, { sort: { date: 1 } });
}
