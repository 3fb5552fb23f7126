import type { Filter, ReadStore } from '../../ports/read-store';
import { withoutBookkeeping } from '../engine/projector';
import { TECHNICIAN_PERFORMANCE, type TechnicianPerformanceDoc } from './performance-projector';
import { TECHNICIANS, type TechnicianDoc } from './profile-projector';
import { pageWithTotal } from '../engine/page';

export interface TechnicianListQuery {
  /** Only this technician (a technician who may not see the others). */
  onlyId?: string;
  isAvailable?: boolean;
  /** Matches technicians with this area among their service areas (case-insensitive). */
  serviceArea?: string;
  /** Matches technicians having every one of these skills (case-insensitive). */
  skills?: readonly string[];
  skip: number;
  limit: number;
}

/**
 * Active technicians, by name then employee number. Deactivated technicians are not listed
 * (they can still be read by id), and users whose role is no longer technician are never shown.
 */
export async function listTechnicians(
  readStore: ReadStore,
  q: TechnicianListQuery,
): Promise<{ items: TechnicianDoc[]; total: number }> {
  const filter: Filter = { is_technician: true, is_active: true };
  if (q.onlyId !== undefined) filter._id = q.onlyId;
  if (q.isAvailable !== undefined) filter.is_available = q.isAvailable;
  const and: Filter[] = [];
  if (q.serviceArea !== undefined) filter.service_area_keys = q.serviceArea.toLowerCase();
  // One equality per skill: an index narrows by the first, the rest are checked on those candidates.
  for (const skill of new Set((q.skills ?? []).map((s) => s.toLowerCase()))) and.push({ skill_keys: skill });
  if (and.length > 0) filter.$and = and;
  const col = readStore.collection<TechnicianDoc>(TECHNICIANS);
  // The page's documents as the store shares them (frozen, pageWithTotal): presenters pick their fields.
  return pageWithTotal(col, filter, { sort: { name_key: 1, number: 1 }, skip: q.skip, limit: q.limit });
}

/** A technician by id: a user whose role is technician now (active or not); null otherwise. */
export async function findTechnician(readStore: ReadStore, technicianId: string): Promise<TechnicianDoc | null> {
  const doc = await readStore.collection<TechnicianDoc>(TECHNICIANS).findOne({ _id: technicianId, is_technician: true });
  return doc ? (withoutBookkeeping(doc) as TechnicianDoc) : null;
}

export interface MonthlyStat {
  month: string;
  completed: number;
  average_rating: number;
}

export interface PerformanceFigures {
  total_tickets: number;
  completed_tickets: number;
  pending_tickets: number;
  /** Hours, 2 decimals. */
  average_completion_time: number;
  /** 1–5, 2 decimals; 0 when no ticket was rated. */
  average_rating: number;
  /** Percentages 0–100, 2 decimals; 0 when there is nothing to divide by. */
  completion_rate: number;
  on_time_rate: number;
  first_call_resolution: number;
  /** Months with at least one completion, oldest first. */
  monthly_stats: MonthlyStat[];
}

const round2 = (n: number): number => Math.round(n * 100) / 100;
const ratio = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);
const percent = (part: number, whole: number): number => round2(ratio(part, whole) * 100);

/** The documented figures from a technician's running totals (all zero when there are none). */
export function performanceFigures(doc: TechnicianPerformanceDoc | null | undefined): PerformanceFigures {
  if (!doc) {
    return {
      total_tickets: 0,
      completed_tickets: 0,
      pending_tickets: 0,
      average_completion_time: 0,
      average_rating: 0,
      completion_rate: 0,
      on_time_rate: 0,
      first_call_resolution: 0,
      monthly_stats: [],
    };
  }
  return {
    total_tickets: doc.total_tickets ?? 0,
    completed_tickets: doc.completed_tickets ?? 0,
    pending_tickets: doc.pending_tickets ?? 0,
    average_completion_time: round2(ratio(doc.completion_ms_sum ?? 0, doc.completion_count ?? 0) / 3_600_000),
    average_rating: round2(ratio(doc.rating_sum ?? 0, doc.rating_count ?? 0)),
    completion_rate: percent(doc.completed_tickets ?? 0, doc.total_tickets ?? 0),
    on_time_rate: percent(doc.on_time_count ?? 0, doc.sla_count ?? 0),
    first_call_resolution: percent(doc.first_call_count ?? 0, doc.completed_tickets ?? 0),
    monthly_stats: Object.entries(doc.monthly ?? {})
      .filter(([, m]) => (m.completed ?? 0) > 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([month, m]) => ({
        month,
        completed: m.completed,
        average_rating: round2(ratio(m.rating_sum ?? 0, m.rating_count ?? 0)),
      })),
  };
}

export async function findPerformance(readStore: ReadStore, technicianId: string): Promise<PerformanceFigures> {
  const doc = await readStore.collection<TechnicianPerformanceDoc>(TECHNICIAN_PERFORMANCE).findOne({ _id: technicianId });
  return performanceFigures(doc);
}

/**
 * The running totals of a page of technicians in one read (by _id), keyed by technician id; a
 * technician without any has no entry (performanceFigures(undefined) gives their zeros). The
 * documents are for reading: the store may share them, frozen.
 */
export async function findPerformanceDocs(
  readStore: ReadStore,
  technicianIds: readonly string[],
): Promise<Map<string, TechnicianPerformanceDoc>> {
  if (technicianIds.length === 0) return new Map();
  const docs = await readStore
    .collection<TechnicianPerformanceDoc>(TECHNICIAN_PERFORMANCE)
    .find({ _id: { $in: [...technicianIds] } }, { readonly: true });
  return new Map(docs.map((d) => [d._id, d]));
}
