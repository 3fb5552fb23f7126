import type { Collection } from '../../ports/read-store';
import { applyOnce } from '../engine/projector';
import type { CountersDoc, Fields } from './documents';

/**
 * The KPI and chart figures as counters kept by the projector (never a scan when asked): each
 * device contributes to the `all` document and to its branch's document. The KPIs partition the
 * devices: `damaged` (condition damaged), `in_use` (held by someone, not damaged) and `available`
 * (held by no one, not damaged); the conditions are counted apart for the chart.
 */
export interface DeviceFacts {
  exists: boolean;
  assigned: boolean;
  condition: string;
  branchId: number | null;
}

type Figures = Omit<Fields<CountersDoc>, '_id' | 'branch_id' | '_pos'>;

export const NO_DEVICE: DeviceFacts = { exists: false, assigned: false, condition: 'good', branchId: null };

function figures(f: DeviceFacts): Figures {
  if (!f.exists) return { total: 0, in_use: 0, available: 0, damaged: 0, good: 0, needs_check: 0, condition_damaged: 0 };
  const damaged = f.condition === 'damaged' ? 1 : 0;
  return {
    total: 1,
    damaged,
    in_use: f.assigned && !damaged ? 1 : 0,
    available: !f.assigned && !damaged ? 1 : 0,
    good: f.condition === 'good' ? 1 : 0,
    needs_check: f.condition === 'needs_check' ? 1 : 0,
    condition_damaged: damaged,
  };
}

const minus = (a: Figures, b: Figures): Figures =>
  Object.fromEntries(Object.keys(a).map((k) => [k, a[k as keyof Figures] - b[k as keyof Figures]])) as Figures;

const nonZero = (f: Figures): Record<string, number> => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== 0));

export const ALL = 'all';
export const branchKey = (branchId: number | null): string => (branchId === null ? 'branch:none' : `branch:${branchId}`);

/** Moves a device's contribution from `before` to `after` (idempotent per document by position). */
export async function moveDevice(counters: Collection<CountersDoc>, position: number, before: DeviceFacts, after: DeviceFacts): Promise<void> {
  const b = figures(before);
  const a = figures(after);
  const inc = async (id: string, branchId: number | null, delta: Figures) => {
    const changes = nonZero(delta);
    if (Object.keys(changes).length === 0) return;
    await applyOnce(counters, id, position, { $inc: changes, $set: { branch_id: branchId } }, { upsert: true });
  };
  await inc(ALL, null, minus(a, b));
  if (before.branchId === after.branchId) {
    await inc(branchKey(after.branchId), after.branchId, minus(a, b));
  } else {
    await inc(branchKey(before.branchId), before.branchId, minus(figures(NO_DEVICE), b));
    await inc(branchKey(after.branchId), after.branchId, a);
  }
}
