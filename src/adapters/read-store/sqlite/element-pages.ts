import type { SqlValue } from './codec';
import type { VersionedCache } from './versioned-cache';
import type { ElementIndex } from './element-indexes';
import type { Rows } from './rows';
import { ELEMENTS_EXISTS, ELEMENTS_IN, orderTerms, type Translated } from './translate';

/**
 * A sorted page read from an element index (element-indexes.ts): the entries of one condition
 * on the index's array field (a word, or the few words a `^prefix` stands for), in the index's
 * order, each row they name checked against the rest of the filter, until the page is full. It
 * costs the entries ahead of the page's last row: about `wanted × entries / matches`, at most
 * the word's entries, instead of every match (read and sorted) or every row ahead of the first
 * match in the list's order (walked).
 *
 * Used when an index has the filter's array field first, then fields the filter fixes by
 * equality, then the sort's fields (all in the index's directions or all reversed), and when it
 * is expected to read no more than the other plans: a column condition may lead SQLite to
 * about the matches alone, another lookup to its elements.
 *
 * A prefix stands for the distinct elements in its range (up to MAX_PREFIX_KEYS, found by
 * seeking the side table from one to the next): each is read as a list of its first `skip +
 * limit` rows, and the page is the start of their union in the sort order. Every row of the
 * page is in the first `skip + limit` of each list it belongs to, so nothing is missed, and a
 * row holding two of the elements is taken once. When the lists would be read whole anyway (a
 * narrow prefix: a few pages of elements in its range), one lookup of the range and a sort of
 * its rows cost less.
 */
export interface ElementPlan {
  sql: string;
  params: SqlValue[];
  /** The filter matches nothing. */
  none: boolean;
}

/** The counts the plan is chosen by, as the collection keeps them. */
export interface PageCosts {
  counts: VersionedCache<number>;
  /** The filter's matches. */
  matches(): number;
  /** The side-table elements a lookup matches (capped). */
  lookupSize(part: Translated): number;
}

/** Most distinct elements a prefix is read as, one list each. */
const MAX_PREFIX_KEYS = 16;
/** A prefix whose range holds at most this many pages of elements is read by its range lookup. */
const NARROW_PAGES = 4;

type Term = ReturnType<typeof orderTerms>[number];

export function planElementPage(rows: Rows, costs: PageCosts, base: Translated, order: string, skip: number, limit: number): ElementPlan | null {
  const indexes = rows.elementIndexes;
  if (indexes.length === 0) return null;
  const parts = base.parts ?? [base];
  const terms = orderTerms(order);
  const fixed = new Map<string, SqlValue>();
  for (const p of parts) if (p.equal && 'col' in p.equal) fixed.set(p.equal.col, p.equal.key);

  let best: { part: Translated; index: ElementIndex; leadKeys: SqlValue[]; keys: SqlValue[]; size: number } | null = null;
  for (const part of parts) {
    const field = part.equal && 'field' in part.equal ? part.equal.field : part.prefix?.field;
    if (field === undefined) continue;
    const usable = indexes.flatMap((index) => {
      const lead = index.field === field ? leadOf(index, fixed, terms) : null;
      return lead === null ? [] : [{ index, leadKeys: index.cols.slice(0, lead).map((c) => fixed.get(c.col)!) }];
    });
    if (usable.length === 0) continue;
    // A narrow prefix: one lookup of its range and a sort of its few rows (cached count first;
    // its words are not looked for).
    if (part.prefix && costs.lookupSize(part) <= NARROW_PAGES * (skip + limit)) continue;
    const keys = part.equal && 'key' in part.equal ? [part.equal.key] : prefixKeys(rows, part.prefix!);
    if (keys === null) continue;
    for (const { index, leadKeys } of usable) {
      const size = keys.reduce<number>((n, k) => n + entries(rows, costs.counts, index, [k, ...leadKeys]), 0);
      if (best === null || size < best.size) best = { part, index, leadKeys, keys, size };
    }
  }
  if (best === null) return null;

  const matches = costs.matches();
  const wanted = skip + limit;
  const expected = Math.min(best.size, best.keys.length * Math.ceil((wanted * best.size) / Math.max(matches, 1)));
  const chosen = best.part;
  const lookups = parts.filter((p) => p.lookup).map((p) => (p === chosen ? best.size : costs.lookupSize(p)));
  const others = Math.min(...lookups, parts.some((p) => !p.lookup) ? matches : Infinity);
  // Several lists that are read whole cost more than one lookup of their range and a sort.
  if (expected > others || (best.keys.length > 1 && expected >= best.size)) return null;

  const { index, leadKeys, keys } = best;
  const rest = parts.filter((p) => p !== chosen);
  const where = [
    'e.ek = ?',
    ...index.cols.slice(0, leadKeys.length).map((c) => `e.e_${c.col} = ?`),
    // Every other condition on the row, the fixed ones too (cheap, and the plan stays simple).
    ...rest.map((p) => `(${p.sql!.replaceAll(ELEMENTS_IN, ELEMENTS_EXISTS)})`),
  ].join(' AND ');
  const armParams = (key: SqlValue) => [key, ...leadKeys, ...rest.flatMap((p) => p.params)];
  const sortBy = terms.map((t) => `e.e_${t.col} ${t.dir === -1 ? 'DESC' : 'ASC'}`).join(', ');
  const from = `FROM ${index.sqlName} AS e CROSS JOIN {t} ON {t}.rid = e.erid WHERE ${where} ORDER BY ${sortBy}`;
  if (keys.length === 1) {
    return { sql: `SELECT {t}.rid AS rid, {t}.v AS v ${from} LIMIT ${limit} OFFSET ${skip}`, params: armParams(keys[0]!), none: matches === 0 };
  }
  const sortCols = terms.map((t, i) => `, e.e_${t.col} AS s${i}`).join('');
  const arm = `SELECT * FROM (SELECT {t}.rid AS rid, {t}.v AS v${sortCols} ${from} LIMIT ${wanted})`;
  const outer = terms.map((t, i) => `s${i} ${t.dir === -1 ? 'DESC' : 'ASC'}`).join(', ');
  return {
    sql: `SELECT rid, v FROM (${keys.map(() => arm).join(' UNION ')}) ORDER BY ${outer} LIMIT ${limit} OFFSET ${skip}`,
    params: keys.flatMap(armParams),
    none: matches === 0,
  };
}

/**
 * How many of an index's fields after the array field the filter fixes before the sort's
 * fields follow in the index's order (or all reversed); null when the index does not serve.
 */
function leadOf(index: ElementIndex, fixed: ReadonlyMap<string, SqlValue>, terms: readonly Term[]): number | null {
  let lead = 0;
  while (lead < index.cols.length && fixed.has(index.cols[lead]!.col) && !terms.some((t) => t.col === index.cols[lead]!.col)) lead++;
  const sorted = index.cols.slice(lead, lead + terms.length);
  if (sorted.length < terms.length) return null;
  const sign = terms[0]!.dir * sorted[0]!.dir;
  return terms.every((t, i) => t.col === sorted[i]!.col && t.dir * sorted[i]!.dir === sign) ? lead : null;
}

/** The distinct elements of a prefix's range, seeking the side table from one to the next;
 * null when there are more than MAX_PREFIX_KEYS. */
function prefixKeys(rows: Rows, { field, low, high }: { field: number; low: string; high: string }): SqlValue[] | null {
  const keys: SqlValue[] = [];
  const first = rows.statement(`SELECT k FROM {side} WHERE f = ? AND k >= ? AND k < ? ORDER BY k LIMIT 1`).pluck();
  const next = rows.statement(`SELECT k FROM {side} WHERE f = ? AND k > ? AND k < ? ORDER BY k LIMIT 1`).pluck();
  for (let k = first.get(field, low, high) as SqlValue | undefined; k !== undefined; k = next.get(field, k, high) as SqlValue | undefined) {
    if (keys.length === MAX_PREFIX_KEYS) return null;
    keys.push(k);
  }
  return keys;
}

/** An index's entries for one element and the values of the fields after it (`keys`, in
 * order), remembered until the collection's next write. */
function entries(rows: Rows, counts: VersionedCache<number>, index: ElementIndex, keys: readonly SqlValue[]): number {
  const cacheKey = `entries ${index.name} ${JSON.stringify(keys)}`;
  const cached = counts.get(rows.schema, cacheKey);
  if (cached !== undefined) return cached;
  const fixed = index.cols.slice(0, keys.length - 1).map((c) => ` AND e_${c.col} = ?`).join('');
  const n = (rows.statement(`SELECT count(*) AS n FROM ${index.sqlName} WHERE ek = ?${fixed}`).get(...keys) as { n: number }).n;
  counts.set(rows.schema, cacheKey, n);
  return n;
}
