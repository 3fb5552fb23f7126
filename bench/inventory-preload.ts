/**
 * Fills an SQLite event log with an inventory through the real command layer (deciders,
 * expected revisions, sequences, reservations, custody slots, hash chain), with the server down:
 * document 003's reference data, employees (users with employee fields), `devices` devices, two
 * in five of them assigned (some returned and assigned again, for custody history), and
 * document 000's stock items with movements. Used by bench/inventory.ts; exported for
 * `npm run bench` (bench/run.ts) to add to its preload.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { openSqliteEventStore } from '../src/adapters/event-store/sqlite';
import { createScryptPasswordHasher } from '../src/adapters/crypto/scrypt-password-hasher';
import { systemMeta } from '../src/commands/context';
import { assignDevice, registerDevice, returnDevice } from '../src/commands/devices';
import { createItem, recordStockMovement } from '../src/commands/inventory-items';
import { DEFAULT_INVENTORY_SETTINGS, type InventoryCommandDeps } from '../src/commands/inventory-settings';
import { createBranch, createCategory, createNamedRecord } from '../src/commands/reference-data';
import { systemEvents } from '../src/commands/system-events';
import { registerUser, type UserCommandDeps } from '../src/commands/users';
import { createEventRegistry } from '../src/domain';
import { CustodyRuleError } from '../src/domain/device/errors';
import type { Clock } from '../src/ports/clock';
import { pool, progressReport } from './preload-kit';

export interface InventoryPreloadPlan {
  devices: number;
  /** Staff users with employee fields who hold the devices (at most one active device per category each). */
  employees?: number;
  items?: number;
  concurrency?: number;
}

export interface InventoryPreloadResult {
  events: number;
  seconds: number;
  devices: number;
  activeAssignments: number;
  assignments: number;
  items: number;
}

export const BRANDS = [
  ['Dell', 'Latitude 5420'],
  ['HP', 'EliteBook 840'],
  ['Lenovo', 'ThinkPad E14'],
  ['Asus', 'ExpertBook B1'],
  ['Acer', 'TravelMate P2'],
] as const;
export const CATEGORY_COUNT = 10;
export const BRANCH_COUNT = 20;

/** The serial number of preloaded device i (bench scenarios search for one). */
export const benchSerial = (i: number): string => `SN-${String(i).padStart(7, '0')}`;

export async function preloadInventory(dataDir: string, plan: InventoryPreloadPlan, onProgress: (line: string) => void): Promise<InventoryPreloadResult> {
  const eventStore = openSqliteEventStore({ filename: join(dataDir, 'events.db') });
  // Days pass while the inventory fills: assignments are dated in the past, returns after them.
  let t = Date.now() - 200 * 86_400_000;
  const clock: Clock = { now: () => new Date((t += 97)) };
  const deps: InventoryCommandDeps & UserCommandDeps = {
    eventStore,
    registry: createEventRegistry(systemEvents),
    clock,
    ids: { uuid: randomUUID },
    passwords: createScryptPasswordHasher({ cost: 2 ** 10 }),
    inventory: DEFAULT_INVENTORY_SETTINGS,
  };
  const meta = () => systemMeta(deps.ids, 'bench');
  const concurrency = plan.concurrency ?? 64;
  const employeesWanted = plan.employees ?? Math.max(100, Math.ceil(plan.devices / 20));
  const started = Date.now();
  const report = progressReport(eventStore, 'inventory preload', onProgress);

  const main = await createNamedRecord(deps, 'main_branch', 'Kantor Pusat Bench', meta());
  const branches: number[] = [];
  for (let b = 0; b < BRANCH_COUNT; b++) {
    branches.push((await createBranch(deps, { unitName: `Cabang Bench ${b}`, branchCode: `BEN${b}`, address: null, mainBranchId: main.id }, meta())).id);
  }
  const departments: number[] = [];
  for (let d = 0; d < 10; d++) departments.push((await createNamedRecord(deps, 'department', `Departemen ${d}`, meta())).id);
  const parent = await createNamedRecord(deps, 'parent_category', 'Perangkat', meta());
  for (let c = 0; c < CATEGORY_COUNT; c++) {
    await createCategory(deps, { briboxId: `B${String(c).padStart(2, '0')}`, name: `Kategori ${c}`, description: null, parentCategoryId: parent.id }, meta());
  }

  const employees: string[] = new Array(employeesWanted);
  await pool(employeesWanted, 16, async (i) => {
    const { userId } = await registerUser(
      deps,
      {
        email: `pegawai${i}@bench.example`,
        password: 'bench-password',
        role: 'customer_service',
        profile: { full_name: `Pegawai ${i} ${['Santoso', 'Wijaya', 'Saputra', 'Lestari'][i % 4]}`, pn: String(10_000_000 + i), position: 'Staf', department_id: departments[i % departments.length]!, branch_id: branches[i % branches.length]! },
      },
      meta(),
    );
    employees[i] = userId;
  });
  await report(`${employeesWanted} employees`);

  let assignments = 0;
  let active = 0;
  await pool(plan.devices, concurrency, async (i) => {
    const [brand, model] = BRANDS[i % BRANDS.length]!;
    const category = Math.floor(i / BRANDS.length) % CATEGORY_COUNT;
    const roll = i % 100;
    const { deviceId } = await registerDevice(
      deps,
      {
        brand,
        model,
        serialNumber: benchSerial(i),
        assetCode: `AST/${category}/${i}`,
        briboxId: `B${String(category).padStart(2, '0')}`,
        condition: roll < 85 ? 'good' : roll < 93 ? 'needs_check' : 'damaged',
        spec1: 'Intel Core i5',
        spec2: '16 GB',
        spec3: '512 GB SSD',
        spec4: null,
        spec5: null,
        purchaseDate: '2024-01-15',
        branchId: branches[i % branches.length]!,
      },
      meta(),
    );
    // Two in five devices are held; one in four of those had an earlier holder.
    if (Math.floor(i / BRANDS.length) % 5 >= 2 || roll >= 93) return;
    const holderAt = (k: number) => employees[(Math.floor(i / (BRANDS.length * CATEGORY_COUNT)) + k * 7919) % employees.length]!;
    const give = async (k: number) => {
      try {
        const a = await assignDevice(deps, deviceId, { holderUserId: holderAt(k), assignedDate: '2025-06-01', usage: i % 7 === 0 ? 'spare' : 'in_use', notes: null, ticketId: null, handoverId: null, holderField: 'user_id' }, meta());
        assignments++;
        return a;
      } catch (err) {
        if (err instanceof CustodyRuleError) return null;
        throw err;
      }
    };
    if (i % 4 === 0) {
      const earlier = await give(1);
      if (earlier) await returnDevice(deps, deviceId, earlier.assignmentId, { returnedDate: '2025-06-01', notes: 'Bench return', condition: null }, meta());
    }
    if (await give(0)) active++;
  });
  await report(`${plan.devices} devices, ${assignments} assignments (${active} active)`);

  const items = plan.items ?? 2000;
  await pool(items, concurrency, async (i) => {
    const { itemId } = await createItem(
      deps,
      {
        name: `${['Kabel drop', 'Konektor SC', 'ONT ZTE', 'Splitter 1:8', 'Patch cord'][i % 5]} ${i}`,
        category: ['Cable', 'Connector', 'ONT', 'Splitter', 'Cable'][i % 5]!,
        sku: `SKU-${String(i).padStart(6, '0')}`,
        description: null,
        unitPriceMinor: 1_500_000 + i,
        minStockLevel: 10,
        stockQuantity: i % 10 === 0 ? 5 : 200,
      },
      meta(),
    );
    await recordStockMovement(deps, itemId, { movement: 'received', quantity: 50, reason: 'PO bench' }, meta());
  });
  await report(`${items} items`);
  const events = await eventStore.headPosition();
  await eventStore.close();
  return { events, seconds: (Date.now() - started) / 1000, devices: plan.devices, activeAssignments: active, assignments, items };
}
