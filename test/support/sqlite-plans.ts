import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteReadStore, type SqliteReadStore } from '../../src/adapters/read-store/sqlite/sqlite-read-store';
import type { Doc } from '../../src/ports/read-store';
import type { ProjectedEvent, Projector, ProjectorContext } from '../../src/projections/engine/projector';

/**
 * The SQLite read store (the embedded default) in a fresh temp directory, for tests that prove
 * a list is served by an index: `collection.explain()` / `explainCount()` give SQLite's
 * EXPLAIN QUERY PLAN, which {@link summarizePlan} reads.
 */
export interface TempSqliteReadStore {
  store: SqliteReadStore;
  /** Closes the store and removes its directory. */
  dispose(): Promise<void>;
}

export function openTempSqliteReadStore(): TempSqliteReadStore {
  const dir = mkdtempSync(join(tmpdir(), 'isp-plans-'));
  const store = openSqliteReadStore({ filename: join(dir, 'read-models.db') });
  return {
    store,
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates the projectors' declared indexes on `store`, then applies `events` as the runner would. */
export async function project(store: SqliteReadStore, projectors: readonly Projector[], events: readonly ProjectedEvent[]): Promise<void> {
  for (const p of projectors) for (const [name, indexes] of Object.entries(p.collections)) await store.collection(name).createIndexes(indexes);
  const ctx: ProjectorContext = { collection: <T extends Doc>(name: string) => store.collection<T>(name) };
  for (const e of events) for (const p of projectors) if (p.handles.includes(e.type)) await p.apply(e, ctx);
}

/**
 * Lets SQLite gather the statistics the running store gathers for its planner (PRAGMA optimize
 * analyses the tables queried since the connection opened): plans then depend on how selective
 * each index is, as on real data.
 */
export async function gatherStatistics(store: SqliteReadStore, collection: string): Promise<void> {
  await store.collection(collection).countDocuments({});
  store.optimize();
}

export interface PlanSummary {
  /** The whole filter is SQL: a page is LIMIT/OFFSET in SQLite, a count is `count(*)`. */
  exact: boolean;
  /** The declared indexes SQLite searches or walks (`USING [COVERING] INDEX d<n>:<name>`). */
  indexes: string[];
  /** How many times the multikey side table is searched through its key (an element's value,
   * prefix or range): one per condition on an array field. */
  sideTableSearches: number;
  /** How many conditions on array fields are checked row by row against the side table while the
   * rows are walked in the sort's index order (a broad match: the page fills before the walk ends). */
  sideTableChecks: number;
  /** How many lists of an element index are read in its order (`SEARCH e USING PRIMARY KEY (ek=?…`,
   * src/adapters/read-store/sqlite/element-pages.ts): one per word a condition stands for. */
  elementSearches: number;
  /** Tables read whole, without an index (`SCAN d<n>`). */
  fullScans: string[];
  /** SQLite sorts the matches (`USE TEMP B-TREE FOR ORDER BY`) instead of reading an index in order. */
  tempSort: boolean;
}

export function summarizePlan(explained: { exact: boolean; plan: string[] }): PlanSummary {
  const { plan } = explained;
  return {
    exact: explained.exact,
    indexes: plan.flatMap((step) => {
      const m = /USING (?:COVERING )?INDEX d\d+:(\S+)/.exec(step);
      return m ? [m[1]!.replace(/:q$/, '')] : [];
    }),
    sideTableSearches: plan.filter((step) => /^SEARCH d\d+_m USING PRIMARY KEY \(f=\? AND k/.test(step)).length,
    sideTableChecks: plan.filter((step) => /^SEARCH d\d+_m EXISTS USING/.test(step)).length,
    elementSearches: plan.filter((step) => /^SEARCH e USING PRIMARY KEY \(ek=\?/.test(step)).length,
    // Not `SCAN (subquery-n)`: the few rows a subquery gave (the lists of an element page).
    fullScans: plan.filter((step) => /^SCAN [^\s(]\S*$/.test(step)),
    tempSort: plan.some((step) => step.includes('TEMP B-TREE')),
  };
}

/** The summary of a page read in one declared index's order, stopping after the page: nothing
 * else searched, checked, scanned or sorted. */
export function inIndexOrder(index: unknown): PlanSummary {
  return { exact: true, indexes: [index as string], sideTableSearches: 0, sideTableChecks: 0, elementSearches: 0, fullScans: [], tempSort: false };
}
