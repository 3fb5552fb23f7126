import type { ReadStore } from '../../ports/read-store';
import type { PersonDoc } from '../../projections/inventory/documents';
import { BRANCHES, CATEGORIES, DEPARTMENTS, peopleByIds, referencesByIds } from '../../projections/inventory/queries';
import type { BranchDoc, CategoryDoc, NamedDoc } from '../../projections/inventory/reference-projector';

/**
 * The records a page of document 003 answers names (people, branches, departments, categories),
 * looked up once per page with one `$in` per collection.
 */
export interface Lookups {
  people: Map<string, PersonDoc>;
  branches: Map<number, BranchDoc>;
  departments: Map<number, NamedDoc>;
  categories: Map<number, CategoryDoc>;
}

export async function lookups(
  readStore: ReadStore,
  wanted: { userIds?: Iterable<string | null | undefined>; branchIds?: Iterable<number | null | undefined>; categoryIds?: Iterable<number | null | undefined>; departments?: boolean },
): Promise<Lookups> {
  const people = await peopleByIds(readStore, wanted.userIds ?? []);
  const branchIds = [...(wanted.branchIds ?? [])];
  if (wanted.departments) for (const p of people.values()) branchIds.push(p.branch_id);
  const [branches, departments, categories] = await Promise.all([
    referencesByIds<BranchDoc>(readStore, BRANCHES, branchIds),
    wanted.departments ? referencesByIds<NamedDoc>(readStore, DEPARTMENTS, [...people.values()].map((p) => p.department_id)) : Promise.resolve(new Map<number, NamedDoc>()),
    referencesByIds<CategoryDoc>(readStore, CATEGORIES, wanted.categoryIds ?? []),
  ]);
  return { people, branches, departments, categories };
}

/** `{ branchId, unitName, branchCode }`, or null. */
export function branchRef(l: Lookups, id: number | null | undefined) {
  const b = id === null || id === undefined ? undefined : l.branches.get(id);
  return b ? { branchId: b.id, unitName: b.unit_name, branchCode: b.branch_code } : null;
}

/** How document 003 names who did something (its example: "ADMIN01"): the personnel number, else the name. */
export function actorName(l: Lookups, userId: string | null): string | null {
  if (!userId) return null;
  const p = l.people.get(userId);
  return p ? (p.pn ?? p.name) : null;
}
