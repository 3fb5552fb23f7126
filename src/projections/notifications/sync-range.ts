import type { Filter } from '../../ports/read-store';
import { APPLIED_POSITION } from '../engine/projector';

/**
 * The interval a sync covers: changes applied at positions in (after, upTo], or, for a device
 * that sent a time instead of a sync token, changes later than `since` (and at most upTo).
 * Neither: everything up to upTo (a first sync).
 */
export interface SyncRange {
  after?: number;
  since?: string;
  upTo: number;
}

export function rangeFilter(range: SyncRange): Filter {
  if (range.since !== undefined) return { changed_at: { $gt: range.since }, [APPLIED_POSITION]: { $lte: range.upTo } };
  if (range.after !== undefined) return { [APPLIED_POSITION]: { $gt: range.after, $lte: range.upTo } };
  return { [APPLIED_POSITION]: { $lte: range.upTo } };
}
