import { WrongExpectedRevisionError } from '../ports/event-store';
import { toNewEvents, systemMeta } from './context';
import type { InventoryCommandDeps } from './inventory-settings';
import { createBranch, createCategory, createNamedRecord } from './reference-data';

/**
 * A small, clearly fictional set of document 003's reference data (main branches, branches,
 * departments, parent categories, categories), written once on the first start with
 * INVENTORY_DEMO_SEED=true. The first run claims the stream `inventory_demo_seed` (expected
 * revision no_stream), so later starts, and other instances, write nothing.
 */
export const DEMO_SEED_STREAM = 'inventory_demo_seed';

export async function seedInventoryDemo(deps: InventoryCommandDeps): Promise<boolean> {
  const meta = systemMeta(deps.ids, 'inventory-demo-seed');
  try {
    await deps.eventStore.appendToStream(
      DEMO_SEED_STREAM,
      toNewEvents(deps, meta, [{ type: 'InventoryDemoSeeded', data: { seededAt: deps.clock.now().toISOString() } }]),
      { expectedRevision: 'no_stream' },
    );
  } catch (err) {
    if (err instanceof WrongExpectedRevisionError) return false;
    throw err;
  }
  const head = await createNamedRecord(deps, 'main_branch', 'Kantor Pusat Contoh (demo)', meta);
  const region = await createNamedRecord(deps, 'main_branch', 'Kantor Wilayah Contoh (demo)', meta);
  await createBranch(deps, { unitName: 'Cabang Contoh Satu (demo)', branchCode: 'DEMO01', address: 'Jl. Contoh No. 1 (fiktif)', mainBranchId: head.id }, meta);
  await createBranch(deps, { unitName: 'Cabang Contoh Dua (demo)', branchCode: 'DEMO02', address: 'Jl. Contoh No. 2 (fiktif)', mainBranchId: head.id }, meta);
  await createBranch(deps, { unitName: 'Cabang Contoh Tiga (demo)', branchCode: 'DEMO03', address: null, mainBranchId: region.id }, meta);
  for (const name of ['Operasional (demo)', 'Teknik (demo)', 'Keuangan (demo)']) await createNamedRecord(deps, 'department', name, meta);
  const computers = await createNamedRecord(deps, 'parent_category', 'Komputer (demo)', meta);
  const network = await createNamedRecord(deps, 'parent_category', 'Jaringan (demo)', meta);
  await createCategory(deps, { briboxId: 'D01', name: 'Laptop Contoh (demo)', description: 'Contoh kategori laptop', parentCategoryId: computers.id }, meta);
  await createCategory(deps, { briboxId: 'D02', name: 'Printer Contoh (demo)', description: null, parentCategoryId: computers.id }, meta);
  await createCategory(deps, { briboxId: 'D03', name: 'Router Contoh (demo)', description: 'Contoh perangkat jaringan', parentCategoryId: network.id }, meta);
  return true;
}
