import { localDateTime } from '../../../domain/shared/local-time';
import type { ActivityDoc } from '../../../projections/inventory/documents';
import type { Lookups } from '../lookups';
import { CONDITION_LABELS } from '../vocabulary';

/** Document 003's KPIs and charts from the maintained counters; the activity log from its entries. */

export interface Figures {
  total: number;
  in_use: number;
  available: number;
  damaged: number;
  good: number;
  needs_check: number;
  condition_damaged: number;
}

/** "kepada" (to) the holder of an assignment, "dari" (from) the one returning. */
const PREPOSITION: Record<string, string> = { 'device-asigned': 'kepada', 'device-returned': 'dari', 'assignment-updated': 'untuk', 'assignment-cancelled': 'untuk' };

export function presentActivity(a: ActivityDoc, l: Lookups, timeZone: string) {
  const { date, time } = localDateTime(a.at, timeZone);
  const holder = a.holder_user_id ? l.people.get(a.holder_user_id)?.name : undefined;
  const actor = a.actor_user_id ? l.people.get(a.actor_user_id)?.name : undefined;
  return {
    type: a.type,
    Category: a.category,
    title: a.title,
    description: holder && PREPOSITION[a.type] ? `${a.device_label} ${PREPOSITION[a.type]} ${holder}` : a.device_label,
    user: actor ?? 'Sistem',
    date,
    time,
  };
}

export function presentKpis(f: Figures, activity: ActivityDoc[], l: Lookups, timeZone: string) {
  return {
    totalDevices: f.total,
    inUse: f.in_use,
    available: f.available,
    damaged: f.damaged,
    activityLog: activity.map((a) => presentActivity(a, l, timeZone)),
  };
}

export function presentCharts(f: Figures, perBranch: Array<{ branch_id: number | null; total: number }>, l: Lookups) {
  return {
    deviceConditions: [
      { condition: CONDITION_LABELS.good, count: f.good },
      { condition: CONDITION_LABELS.damaged, count: f.condition_damaged },
      { condition: CONDITION_LABELS.needs_check, count: f.needs_check },
    ],
    devicesPerBranch: perBranch.map((b) => ({
      branchId: b.branch_id,
      branchName: b.branch_id === null ? 'Tanpa Cabang' : (l.branches.get(b.branch_id)?.unit_name ?? `Cabang ${b.branch_id}`),
      count: b.total,
    })),
  };
}
