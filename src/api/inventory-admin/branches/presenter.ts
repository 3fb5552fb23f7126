import type { BranchDoc, NamedDoc } from '../../../projections/inventory/reference-projector';

/** Read model → document 003's branch. */
export function presentBranch(b: BranchDoc, mainBranches: Map<number, NamedDoc>) {
  const main = b.main_branch_id === null ? undefined : mainBranches.get(b.main_branch_id);
  return {
    branchId: b.id,
    unitName: b.unit_name,
    branchCode: b.branch_code,
    address: b.address,
    mainBranch: main ? { mainBranchId: main.id, name: main.name } : null,
  };
}
