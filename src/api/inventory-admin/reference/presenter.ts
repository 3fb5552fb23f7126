import type { NamedDoc } from '../../../projections/inventory/reference-projector';

/** The id field each named record has in document 003 (mainBranch.mainBranchId, department.departmentId, category.categoryId). */
export const ID_FIELDS = { main_branch: 'mainBranchId', department: 'departmentId', parent_category: 'categoryId' } as const;

export function presentNamed(kind: keyof typeof ID_FIELDS, d: NamedDoc) {
  return { [ID_FIELDS[kind]]: d.id, name: d.name };
}
