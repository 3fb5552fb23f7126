import type { Doc } from '../../ports/read-store';
import { applyOnce, type ProjectedEvent, type Projector } from '../engine/projector';

/**
 * Document 003's reference data as read models, one collection per kind, `_id` the record's
 * integer id as a string: main branches, branches, departments, parent categories and
 * categories (briboxes). Names of the records other read models point at are joined when shown.
 */
export const MAIN_BRANCHES = 'main_branches';
export const BRANCHES = 'branches';
export const DEPARTMENTS = 'departments';
export const PARENT_CATEGORIES = 'parent_categories';
export const CATEGORIES = 'categories';

export interface ReferenceDoc extends Doc {
  id: number;
  uuid: string;
  created_at: string;
  updated_at: string;
}
export interface NamedDoc extends ReferenceDoc {
  name: string;
}
export interface BranchDoc extends ReferenceDoc {
  unit_name: string;
  branch_code: string;
  address: string | null;
  main_branch_id: number | null;
}
export interface CategoryDoc extends ReferenceDoc {
  bribox_id: string;
  name: string;
  description: string | null;
  parent_category_id: number | null;
}

const KINDS: Record<string, { collection: string; fields: Record<string, string> }> = {
  MainBranch: { collection: MAIN_BRANCHES, fields: { name: 'name' } },
  Department: { collection: DEPARTMENTS, fields: { name: 'name' } },
  ParentCategory: { collection: PARENT_CATEGORIES, fields: { name: 'name' } },
  Branch: { collection: BRANCHES, fields: { unitName: 'unit_name', branchCode: 'branch_code', address: 'address', mainBranchId: 'main_branch_id' } },
  Category: { collection: CATEGORIES, fields: { briboxId: 'bribox_id', name: 'name', description: 'description', parentCategoryId: 'parent_category_id' } },
};

const fieldsOf = (map: Record<string, string>, details: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(details)) if (map[k] && v !== undefined) out[map[k]] = v;
  return out;
};

export const inventoryReferenceProjector: Projector = {
  name: 'inventory_reference',
  handles: Object.keys(KINDS).flatMap((k) => [`${k}Created`, `${k}Updated`]),
  collections: {
    [MAIN_BRANCHES]: [{ keys: { id: 1 } }],
    [DEPARTMENTS]: [{ keys: { id: 1 } }],
    [PARENT_CATEGORIES]: [{ keys: { id: 1 } }],
    [BRANCHES]: [{ keys: { id: 1 } }],
    [CATEGORIES]: [{ keys: { bribox_id: 1 } }, { keys: { id: 1 } }],
  },
  async apply(event: ProjectedEvent, ctx) {
    const m = /^(MainBranch|Department|ParentCategory|Branch|Category)(Created|Updated)$/.exec(event.type);
    if (!m) return;
    const kind = KINDS[m[1]!]!;
    const col = ctx.collection<ReferenceDoc>(kind.collection);
    if (m[2] === 'Created') {
      const d = event.data as { id: number; uuid: string; details: Record<string, unknown>; createdAt: string };
      await applyOnce(
        col,
        String(d.id),
        event.position,
        { $set: { id: d.id, uuid: d.uuid, ...fieldsOf(kind.fields, d.details), created_at: d.createdAt, updated_at: d.createdAt } },
        { upsert: true },
      );
      return;
    }
    const d = event.data as { id: number; changes: Record<string, unknown>; updatedAt: string };
    await applyOnce(col, String(d.id), event.position, { $set: { ...fieldsOf(kind.fields, d.changes), updated_at: d.updatedAt } });
  },
};
