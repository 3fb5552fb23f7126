/**
 * Query planner: turns a filter's conjunctive equality / $in / range conditions into index
 * bounds, estimates each candidate plan from the exact sizes of its index ranges, and picks
 * the cheapest. A plan whose index order matches the requested sort lets a paginated find stop
 * after skip + limit matches.
 */
import type { Filter, SortSpec } from '../../../ports/read-store';
import { isOperatorObject } from '../document/filter';
import type { DocRecord, IndexEntry, KeyTuple, OrderedIndex } from './indexes';
import type { RangeCursor } from './sorted-list';
import { compareValues, isPlainObject, isScalarKey, MAX_KEY, MIN_KEY, TypeEdge, typeRank } from '../document/values';

/** An interval of values in ascending value order. */
export interface Interval {
  lo: unknown;
  loIncl: boolean;
  hi: unknown;
  hiIncl: boolean;
}

/** What the filter requires of one field: a set of points, or an interval. */
export interface FieldConstraint {
  points: unknown[] | null;
  interval: Interval | null;
}

export interface FilterAnalysis {
  fields: Map<string, FieldConstraint>;
  /** The filter is exactly the conjunction of `fields` (nothing left for a residual check). */
  exact: boolean;
}

// ---------------------------------------------------------------- filter analysis

export function analyzeFilter(filter: Filter | undefined): FilterAnalysis {
  const out: FilterAnalysis = { fields: new Map(), exact: true };
  if (filter) collect(filter, out);
  return out;
}

function collect(filter: Filter, out: FilterAnalysis): void {
  for (const key of Object.keys(filter)) {
    const value = filter[key];
    if (key === '$and' && Array.isArray(value)) {
      for (const sub of value) if (isPlainObject(sub)) collect(sub, out);
      continue;
    }
    if (key === '$comment') continue;
    if (key.charCodeAt(0) === 36) {
      out.exact = false;
      continue;
    }
    const c = constraintOf(value);
    if (c === null || !c.exact) out.exact = false;
    if (c === null) continue;
    const prev = out.fields.get(key);
    if (prev === undefined) {
      out.fields.set(key, c.constraint);
    } else {
      // Two conditions on one field: keep one (points preferred), the other stays residual.
      out.exact = false;
      if (prev.points === null && c.constraint.points !== null) out.fields.set(key, c.constraint);
    }
  }
}

function constraintOf(cond: unknown): { constraint: FieldConstraint; exact: boolean } | null {
  if (!isOperatorObject(cond)) {
    if (cond === undefined) return { constraint: { points: [null], interval: null }, exact: true };
    if (isScalarKey(cond)) return { constraint: { points: [cond], interval: null }, exact: true };
    return null;
  }
  let exact = true;
  let points: unknown[] | null = null;
  let interval: Interval | null = null;
  for (const op of Object.keys(cond)) {
    const arg = cond[op];
    switch (op) {
      case '$eq':
        if (isScalarKey(arg) && points === null) points = [arg];
        else exact = false;
        break;
      case '$in':
        if (Array.isArray(arg) && arg.every(isScalarKey) && points === null) points = arg.slice();
        else exact = false;
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte': {
        if (arg === null && (op === '$gte' || op === '$lte') && points === null) {
          points = [null];
          break;
        }
        if (!isScalarKey(arg) || arg === null) {
          exact = false;
          break;
        }
        const next = narrow(interval, op, arg);
        if (next === null) exact = false;
        else interval = next;
        break;
      }
      case '$comment':
        break;
      default:
        exact = false;
    }
  }
  if (points !== null) {
    if (interval !== null) exact = false;
    return { constraint: { points, interval: null }, exact };
  }
  if (interval !== null) return { constraint: { points: null, interval }, exact };
  return null;
}

/** Intersects an interval with one comparison (same type only: MongoDB's type bracketing). */
function narrow(current: Interval | null, op: string, v: unknown): Interval | null {
  const rank = typeRank(v);
  const base: Interval = current ?? { lo: new TypeEdge(rank, false), loIncl: true, hi: new TypeEdge(rank, true), hiIncl: true };
  const baseRank = typeRank(base.lo);
  if (baseRank !== rank) return null;
  if (op === '$gt' || op === '$gte') {
    const incl = op === '$gte';
    const c = compareValues(v, base.lo);
    if (c > 0 || (c === 0 && !incl && base.loIncl)) return { ...base, lo: v, loIncl: incl };
    return base;
  }
  const incl = op === '$lte';
  const c = compareValues(v, base.hi);
  if (c < 0 || (c === 0 && !incl && base.hiIncl)) return { ...base, hi: v, hiIncl: incl };
  return base;
}

// ---------------------------------------------------------------- plans

export type SortMode = 'none' | 'forward' | 'backward';

export interface IndexPlan {
  kind: 'index';
  index: OrderedIndex;
  /** [start, end) ranks, in index order. */
  ranges: [number, number][];
  /** Number of leading index fields bounded by the filter. */
  boundFields: number;
  /** Number of leading index fields bounded by points (equality or $in). */
  pointFields: number;
  /** How walking the ranges yields the requested sort order ('none': it does not). */
  sortMode: SortMode;
  /** The ranges must be merged on the sort fields (several equality points before them). */
  merge: boolean;
  /** Entries in the ranges are exactly the matching documents, one each. */
  exact: boolean;
  /** The index holds several entries for some documents: candidates must be de-duplicated. */
  dedupe: boolean;
  size: number;
}

export interface ScanPlan {
  kind: 'scan';
  size: number;
  exact: boolean;
}

export interface IdPlan {
  kind: 'ids';
  ids: string[];
  exact: boolean;
}

export type Plan = IndexPlan | ScanPlan | IdPlan;

export interface PlanRequest {
  analysis: FilterAnalysis;
  sort?: SortSpec;
  skip?: number;
  limit?: number;
  /** Count only: an exact plan needs no documents at all. */
  countOnly?: boolean;
}

const MAX_RANGES = 1000;
const MAX_MERGE_RANGES = 200;

/** The filter's _id points when they are all strings (the plan is then direct _id lookups). */
export function stringIdPoints(analysis: FilterAnalysis): string[] | null {
  const idc = analysis.fields.get('_id');
  if (idc?.points && idc.points.every((p) => typeof p === 'string')) return idc.points as string[];
  return null;
}

/** Whether a plan for this analysis and sort may walk the ordered `_id_` index: a condition
 * on _id other than string points, or a sort that starts with _id. */
export function mayUseIdIndex(analysis: FilterAnalysis, sort: SortSpec | undefined): boolean {
  if (analysis.fields.has('_id')) return stringIdPoints(analysis) === null;
  if (sort !== undefined) {
    for (const f in sort) return f === '_id';
  }
  return false;
}

export function planQuery(indexes: readonly OrderedIndex[], docCount: number, req: PlanRequest): Plan {
  const { analysis } = req;
  const idPoints = stringIdPoints(analysis);
  if (idPoints !== null) {
    const ids = [...new Set(idPoints)];
    return { kind: 'ids', ids, exact: analysis.exact && analysis.fields.size === 1 };
  }
  const sortKeys = req.sort ? Object.entries(req.sort) : [];
  const plans: Plan[] = [{ kind: 'scan', size: docCount, exact: analysis.fields.size === 0 && analysis.exact }];
  for (const index of indexes) {
    const p = planIndex(index, analysis, sortKeys);
    if (p !== null) plans.push(p);
  }
  if (plans.length === 1) return plans[0];
  // Every plan's candidates include every match, so the smallest is an upper bound on matches.
  let matches = docCount;
  for (const p of plans) if (p.kind !== 'ids' && p.size < matches) matches = p.size;
  const k = req.limit !== undefined && req.limit > 0 ? (req.skip ?? 0) + req.limit : undefined;
  let best = plans[0];
  let bestCost = Infinity;
  for (const p of plans) {
    const size = p.kind === 'ids' ? p.ids.length : p.size;
    const sorted = sortKeys.length === 0 || (p.kind === 'index' && p.sortMode !== 'none');
    let cost: number;
    if (req.countOnly) {
      cost = p.exact && (p.kind !== 'index' || !p.dedupe) ? 0 : size;
    } else if (k !== undefined && sorted) {
      cost = Math.min(size, Math.ceil((size * k) / Math.max(matches, 1)));
    } else {
      cost = size;
    }
    if (!sorted && !req.countOnly) cost += matches * 0.5 + 1;
    // Prefer an index to a scan, and more bound fields, when costs tie.
    const bias = p.kind === 'index' ? -0.01 * (1 + p.boundFields) : 0;
    if (cost + bias < bestCost) {
      bestCost = cost + bias;
      best = p;
    }
  }
  return best;
}

function planIndex(index: OrderedIndex, analysis: FilterAnalysis, sortKeys: [string, 1 | -1][]): IndexPlan | null {
  const pointLists: unknown[][] = [];
  let interval: Interval | null = null;
  let usedFields = 0;
  for (let i = 0; i < index.fields.length; i++) {
    const c = analysis.fields.get(index.fields[i]);
    if (c === undefined) break;
    if (c.points !== null) {
      pointLists.push(sortPoints(c.points, index.dirs[i]));
      usedFields++;
      continue;
    }
    interval = c.interval;
    usedFields++;
    break;
  }
  // Cap the number of ranges: bound fewer fields when $in lists multiply too much.
  let combos = 1;
  let keptPoints = 0;
  for (const list of pointLists) {
    if (combos * list.length > MAX_RANGES) break;
    combos *= list.length;
    keptPoints++;
  }
  if (keptPoints < pointLists.length) {
    pointLists.length = keptPoints;
    interval = null;
    usedFields = keptPoints;
  }
  const boundFields = usedFields;
  const { mode, merge } = sortService(index, pointLists, sortKeys);
  // An index no condition bounds is only worth walking for its order.
  if (boundFields === 0 && (mode === 'none' || sortKeys.length === 0)) return null;

  const ranges = computeRanges(index, pointLists, interval);
  let size = 0;
  for (const [s, e] of ranges) size += e - s;

  let exact = analysis.exact && boundFields === analysis.fields.size && pointLists.every((l) => l.length > 0);
  for (let i = 0; i < boundFields && exact; i++) {
    if (index.isMultikey(i)) exact = false;
  }
  return {
    kind: 'index',
    index,
    ranges,
    boundFields,
    pointFields: pointLists.length,
    sortMode: mode,
    merge: merge && ranges.length > 1,
    exact,
    dedupe: index.anyMultikey,
    size,
  };
}

function sortPoints(points: unknown[], dir: 1 | -1): unknown[] {
  const sorted = points.map((p) => (p === undefined ? null : p)).sort(compareValues);
  const unique = sorted.filter((p, i) => i === 0 || compareValues(sorted[i - 1], p) !== 0);
  return dir === 1 ? unique : unique.reverse();
}

/** Whether walking this index's ranges yields `sortKeys` order, and in which direction. */
function sortService(
  index: OrderedIndex,
  pointLists: unknown[][],
  sortKeys: [string, 1 | -1][],
): { mode: SortMode; merge: boolean } {
  if (sortKeys.length === 0) return { mode: 'forward', merge: false };
  const fields = [...index.fields, '_id'];
  const dirs: (1 | -1)[] = [...index.dirs, 1];
  // Sort fields held to a single value by the filter do not affect the order (unless they hold
  // arrays, which sort by their smallest or largest element).
  const constant = new Set<string>();
  for (let i = 0; i < pointLists.length; i++) {
    if (pointLists[i].length === 1 && !index.isMultikey(i)) constant.add(index.fields[i]);
  }
  const rest = sortKeys.filter(([f]) => !constant.has(f));
  if (rest.length === 0) return { mode: 'forward', merge: false };
  let leadingConstant = 0;
  while (leadingConstant < pointLists.length && pointLists[leadingConstant].length === 1) leadingConstant++;

  const matchFrom = (start: number): SortMode => {
    let direction = 0;
    for (let j = 0; j < rest.length; j++) {
      const pos = start + j;
      if (pos >= fields.length || fields[pos] !== rest[j][0]) return 'none';
      if (pos < index.fields.length && index.isMultikey(pos)) return 'none';
      const d = rest[j][1] * dirs[pos];
      if (direction === 0) direction = d;
      else if (direction !== d) return 'none';
    }
    return direction === 1 ? 'forward' : 'backward';
  };
  // The ranges are disjoint and in index order, so walking them in turn follows the index
  // order, which among candidates is the order of the fields after the constant prefix.
  const sequential = matchFrom(leadingConstant);
  if (sequential !== 'none') return { mode: sequential, merge: false };
  if (pointLists.length > leadingConstant) {
    // Several equality points before the sort fields: merge the per-point ranges.
    let combos = 1;
    for (const l of pointLists) combos *= l.length;
    if (combos <= MAX_MERGE_RANGES) {
      const merged = matchFrom(pointLists.length);
      if (merged !== 'none') return { mode: merged, merge: true };
    }
  }
  return { mode: 'none', merge: false };
}

/** Rank ranges of the index for every combination of points, then the interval. */
function computeRanges(index: OrderedIndex, pointLists: unknown[][], interval: Interval | null): [number, number][] {
  const entries = index.entries;
  if (pointLists.length === 0 && interval === null) return [[0, entries.size]];
  const ranges: [number, number][] = [];
  const n = pointLists.length;
  const prefix: unknown[] = new Array<unknown>(n);
  let lo: unknown = MIN_KEY;
  let loIncl = true;
  let hi: unknown = MAX_KEY;
  let hiIncl = true;
  if (interval !== null) {
    // In index order a descending field runs from the high value to the low one.
    if (index.dirs[n] === 1) {
      ({ lo, loIncl, hi, hiIncl } = interval);
    } else {
      lo = interval.hi;
      loIncl = interval.hiIncl;
      hi = interval.lo;
      hiIncl = interval.loIncl;
    }
  }
  const emit = (): void => {
    let loKey: KeyTuple = prefix;
    let hiKey: KeyTuple = prefix;
    if (interval !== null) {
      loKey = [...prefix, lo];
      hiKey = [...prefix, hi];
    }
    const start = entries.rank((e: IndexEntry) => {
      const c = index.comparePrefix(e, loKey);
      return c > 0 || (c === 0 && loIncl);
    });
    const end = entries.rank((e: IndexEntry) => {
      const c = index.comparePrefix(e, hiKey);
      return c > 0 || (c === 0 && !hiIncl);
    });
    if (end > start) ranges.push([start, end]);
  };
  const rec = (i: number): void => {
    if (i === n) {
      emit();
      return;
    }
    for (const p of pointLists[i]) {
      prefix[i] = p;
      rec(i + 1);
    }
  };
  rec(0);
  return ranges;
}

// ---------------------------------------------------------------- candidate streams

/** Pulls candidate records from a plan, in the plan's order. */
export interface CandidateStream {
  next(): DocRecord | undefined;
}

export function indexCandidates(plan: IndexPlan): CandidateStream {
  const { index } = plan;
  const reverse = plan.sortMode === 'backward';
  const ranges = reverse ? [...plan.ranges].reverse() : plan.ranges;
  const seen = plan.dedupe ? new Set<string>() : null;
  let raw: () => IndexEntry | undefined;
  if (plan.merge) {
    raw = mergeCursors(
      index,
      ranges.map(([s, e]) => index.entries.cursor(s, e, reverse)),
      plan.pointFields,
      reverse,
    );
  } else {
    let ri = 0;
    let cur: RangeCursor<IndexEntry> | null = null;
    raw = () => {
      for (;;) {
        if (cur !== null) {
          const e = cur.next();
          if (e !== undefined) return e;
        }
        if (ri >= ranges.length) return undefined;
        const [s, e] = ranges[ri++];
        cur = index.entries.cursor(s, e, reverse);
      }
    };
  }
  return {
    next: () => {
      for (;;) {
        const e = raw();
        if (e === undefined) return undefined;
        if (seen !== null) {
          const id = index.idOf(e);
          if (seen.has(id)) continue;
          seen.add(id);
        }
        return index.recordOf(e);
      }
    },
  };
}

/** k-way merge of index ranges that share their order on the fields after `from`. */
function mergeCursors(
  index: OrderedIndex,
  cursors: RangeCursor<IndexEntry>[],
  from: number,
  reverse: boolean,
): () => IndexEntry | undefined {
  const dirs = index.dirs;
  const cmp = (a: IndexEntry, b: IndexEntry): number => {
    let c = 0;
    for (let i = from; i < dirs.length && c === 0; i++) {
      const v = compareValues(a[i], b[i]);
      c = dirs[i] === 1 ? v : -v;
    }
    if (c === 0) {
      const x = index.idOf(a);
      const y = index.idOf(b);
      c = x < y ? -1 : x > y ? 1 : 0;
    }
    return reverse ? -c : c;
  };
  // Binary heap of cursors keyed by their next entry.
  const heap: RangeCursor<IndexEntry>[] = cursors.filter((c) => c.peek() !== undefined);
  const less = (i: number, j: number): boolean => cmp(heap[i].peek() as IndexEntry, heap[j].peek() as IndexEntry) < 0;
  const swap = (i: number, j: number): void => {
    const t = heap[i];
    heap[i] = heap[j];
    heap[j] = t;
  };
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(l, m)) m = l;
      if (r < heap.length && less(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  return () => {
    if (heap.length === 0) return undefined;
    const top = heap[0];
    const e = top.next();
    if (top.peek() === undefined) {
      const last = heap.pop() as RangeCursor<IndexEntry>;
      if (heap.length > 0 && last !== top) heap[0] = last;
    }
    if (heap.length > 0) down(0);
    return e;
  };
}
