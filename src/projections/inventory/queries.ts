import type { Filter, ReadStore, SortSpec } from '../../ports/read-store';
import { ALL, branchKey } from './counters';
import {
  DEVICE_ASSIGNMENTS,
  DEVICES,
  EQUIPMENT_ASSIGNMENTS,
  INVENTORY_ACTIVITY,
  INVENTORY_COUNTERS,
  INVENTORY_ITEMS,
  INVENTORY_PEOPLE,
  type ActivityDoc,
  type CountersDoc,
  type DeviceAssignmentDoc,
  type DeviceDoc,
  type EquipmentAssignmentDoc,
  type ItemDoc,
  type PersonDoc,
} from './documents';
import {
  BRANCHES,
  CATEGORIES,
  DEPARTMENTS,
  MAIN_BRANCHES,
  PARENT_CATEGORIES,
  type BranchDoc,
  type CategoryDoc,
  type NamedDoc,
  type ReferenceDoc,
} from './reference-projector';
import { searchKeyFilter } from './search-keys';
import { pageWithTotal } from '../engine/page';

/**
 * Queries on the inventory read models. Every list is one indexed find for the page plus one
 * countDocuments with the same filter, on an index declared for that filter combination
 * (projector.ts); names of the records a page points at are joined per page with one `$in`.
 */

export interface Page {
  skip: number;
  limit: number;
}

async function page<T extends { _id: string }>(readStore: ReadStore, name: string, filter: Filter, sort: SortSpec, p: Page) {
  const col = readStore.collection<T & { [k: string]: unknown }>(name);
  const { items, total } = await pageWithTotal(col, filter, { sort, skip: p.skip, limit: p.limit });
  return { items: items as T[], total };
}

/**
 * A page of a list with an optional search: one find with the search's key conditions. How a
 * broad search is answered is the store's choice, from its own counts: the embedded SQLite store
 * walks the list's sort index and checks each row against the multikey side table (a correlated
 * EXISTS, no document read) once the matches are many, and looks the keys up when they are few
 * (sqlite-collection.ts planElements). On the 100,000-device bench data that took 0.35 ms for
 * `search=dell` (20,000 matches, page 2), against 0.64 ms when this function walked the list
 * itself, checking each document's keys with `$elemMatch`, as it did before.
 */
async function searchedPage<T extends { _id: string }>(readStore: ReadStore, name: string, base: Filter, search: string | undefined, sort: SortSpec, p: Page) {
  if (search === undefined || search.trim() === '') return page<T>(readStore, name, base, sort, p);
  const s = searchKeyFilter(search);
  if (s === null) return { items: [] as T[], total: 0 };
  const filter = { ...base, ...s };
  const col = readStore.collection<T & { [k: string]: unknown }>(name);
  // The total first (pageWithTotal): a search that matches nothing, or a page past the end, costs
  // no find. SQLite, not knowing the key lookup is empty, may walk the other filters' index in
  // list order instead (~1 ms over 8,000 active assignments for a word nobody has).
  const { items, total } = await pageWithTotal(col, filter, { sort, skip: p.skip, limit: p.limit });
  return { items: items as T[], total };
}

// --- items (document 000) --------------------------------------------------------------------

export const ITEM_SORT: SortSpec = { created_at: -1, number: -1 };

export async function listItems(readStore: ReadStore, q: { category?: string; search?: string; lowStock?: boolean } & Page) {
  const base: Filter = {};
  if (q.category !== undefined) base.category_key = q.category.trim().toLowerCase();
  if (q.lowStock !== undefined) base.is_low_stock = q.lowStock;
  return searchedPage<ItemDoc>(readStore, INVENTORY_ITEMS, base, q.search, ITEM_SORT, q);
}

export function findItem(readStore: ReadStore, itemId: string): Promise<ItemDoc | null> {
  return readStore.collection<ItemDoc>(INVENTORY_ITEMS).findOne({ _id: itemId });
}

/** The items a page names, by id. Like the other `…ByIds` lookups here, for presenting only:
 * the documents may be the store's own, frozen (FindOptions `readonly`). */
export async function itemsByIds(readStore: ReadStore, ids: Iterable<string>): Promise<Map<string, ItemDoc>> {
  const list = [...new Set(ids)];
  if (list.length === 0) return new Map();
  const docs = await readStore.collection<ItemDoc>(INVENTORY_ITEMS).find({ _id: { $in: list } }, { readonly: true });
  return new Map(docs.map((d) => [d._id, d]));
}

/** Items at or below their minimum level (the daily digest), newest first. */
export async function lowStockItems(readStore: ReadStore, limit = 1000): Promise<ItemDoc[]> {
  return readStore.collection<ItemDoc>(INVENTORY_ITEMS).find({ is_low_stock: true }, { sort: ITEM_SORT, limit });
}

// --- equipment assignments (document 000) ----------------------------------------------------

export const EQUIPMENT_SORT: SortSpec = { created_at: -1, seq: -1 };

export interface EquipmentQuery extends Page {
  technicianId?: string;
  ticketId?: string;
  status?: 'assigned' | 'returned';
  serialNumber?: string;
}

export function listEquipmentAssignments(readStore: ReadStore, q: EquipmentQuery) {
  const filter: Filter = {};
  if (q.technicianId !== undefined) filter.technician_id = q.technicianId;
  if (q.ticketId !== undefined) filter.ticket_id = q.ticketId;
  if (q.status !== undefined) filter.status = q.status;
  if (q.serialNumber !== undefined) filter.serial_numbers = q.serialNumber;
  return page<EquipmentAssignmentDoc>(readStore, EQUIPMENT_ASSIGNMENTS, filter, EQUIPMENT_SORT, q);
}

export function findEquipmentAssignment(readStore: ReadStore, id: string): Promise<EquipmentAssignmentDoc | null> {
  return readStore.collection<EquipmentAssignmentDoc>(EQUIPMENT_ASSIGNMENTS).findOne({ _id: id });
}

// --- devices and their assignments (document 003) --------------------------------------------

export const DEVICE_SORT: SortSpec = { number: -1 };

export function listDevices(readStore: ReadStore, q: { search?: string; condition?: string } & Page) {
  const base: Filter = {};
  if (q.condition !== undefined) base.condition = q.condition;
  return searchedPage<DeviceDoc>(readStore, DEVICES, base, q.search, DEVICE_SORT, q);
}

export function findDevice(readStore: ReadStore, deviceId: string): Promise<DeviceDoc | null> {
  return readStore.collection<DeviceDoc>(DEVICES).findOne({ _id: deviceId });
}

export function findDeviceByNumber(readStore: ReadStore, number: number): Promise<DeviceDoc | null> {
  return readStore.collection<DeviceDoc>(DEVICES).findOne({ number });
}

export async function devicesByIds(readStore: ReadStore, ids: Iterable<string>): Promise<Map<string, DeviceDoc>> {
  const list = [...new Set(ids)];
  if (list.length === 0) return new Map();
  const docs = await readStore.collection<DeviceDoc>(DEVICES).find({ _id: { $in: list } }, { readonly: true });
  return new Map(docs.map((d) => [d._id, d]));
}

export const ASSIGNMENT_SORT: SortSpec = { number: -1 };

export interface DeviceAssignmentQuery extends Page {
  search?: string;
  usage?: string;
  branchId?: number;
  activeOnly?: boolean;
}

export function listDeviceAssignments(readStore: ReadStore, q: DeviceAssignmentQuery) {
  const base: Filter = {};
  if (q.usage !== undefined) base.usage = q.usage;
  if (q.branchId !== undefined) base.branch_id = q.branchId;
  if (q.activeOnly) base.is_active = true;
  return searchedPage<DeviceAssignmentDoc>(readStore, DEVICE_ASSIGNMENTS, base, q.search, ASSIGNMENT_SORT, q);
}

export function findDeviceAssignmentByNumber(readStore: ReadStore, number: number): Promise<DeviceAssignmentDoc | null> {
  return readStore.collection<DeviceAssignmentDoc>(DEVICE_ASSIGNMENTS).findOne({ number });
}

export function findDeviceAssignment(readStore: ReadStore, id: string): Promise<DeviceAssignmentDoc | null> {
  return readStore.collection<DeviceAssignmentDoc>(DEVICE_ASSIGNMENTS).findOne({ _id: id });
}

/** A device's custody history: every assignment it had, newest first. */
export function deviceCustody(readStore: ReadStore, deviceId: string): Promise<DeviceAssignmentDoc[]> {
  return readStore.collection<DeviceAssignmentDoc>(DEVICE_ASSIGNMENTS).find({ device_id: deviceId }, { sort: ASSIGNMENT_SORT });
}

// --- people (document 003's users) -----------------------------------------------------------

export const PEOPLE_SORT: SortSpec = { number: 1 };

export function listPeople(readStore: ReadStore, q: { search?: string; departmentId?: number; branchId?: number } & Page) {
  const base: Filter = { staff: true };
  if (q.departmentId !== undefined) base.department_id = q.departmentId;
  if (q.branchId !== undefined) base.branch_id = q.branchId;
  return searchedPage<PersonDoc>(readStore, INVENTORY_PEOPLE, base, q.search, PEOPLE_SORT, q);
}

export async function peopleByIds(readStore: ReadStore, ids: Iterable<string | null | undefined>): Promise<Map<string, PersonDoc>> {
  const list = [...new Set([...ids].filter((id): id is string => typeof id === 'string'))];
  if (list.length === 0) return new Map();
  const docs = await readStore.collection<PersonDoc>(INVENTORY_PEOPLE).find({ _id: { $in: list } }, { readonly: true });
  return new Map(docs.map((d) => [d._id, d]));
}

export function findPersonByNumber(readStore: ReadStore, number: number): Promise<PersonDoc | null> {
  return readStore.collection<PersonDoc>(INVENTORY_PEOPLE).findOne({ number });
}

// --- KPIs, charts, activity (document 003) ---------------------------------------------------

const EMPTY_COUNTERS = { total: 0, in_use: 0, available: 0, damaged: 0, good: 0, needs_check: 0, condition_damaged: 0 };

/** The counters of every device, or of one branch's. */
export async function deviceCounters(readStore: ReadStore, branchId?: number): Promise<typeof EMPTY_COUNTERS> {
  const doc = await readStore.collection<CountersDoc>(INVENTORY_COUNTERS).findOne({ _id: branchId === undefined ? ALL : branchKey(branchId) });
  const out = { ...EMPTY_COUNTERS };
  if (doc) for (const k of Object.keys(out) as Array<keyof typeof out>) out[k] = typeof doc[k] === 'number' ? doc[k] : 0;
  return out;
}

/** Devices per branch (branches with at least one device; `branch_id` null: at no branch). */
export async function devicesPerBranch(readStore: ReadStore, branchId?: number): Promise<Array<{ branch_id: number | null; total: number }>> {
  const col = readStore.collection<CountersDoc>(INVENTORY_COUNTERS);
  const docs = branchId === undefined ? await col.find({ _id: { $ne: ALL } }) : await col.find({ _id: branchKey(branchId) });
  return docs
    .filter((d) => d.total > 0)
    .map((d) => ({ branch_id: d.branch_id ?? null, total: d.total }))
    .sort((a, b) => b.total - a.total || (a.branch_id ?? Infinity) - (b.branch_id ?? Infinity));
}

export function recentActivity(readStore: ReadStore, limit: number, branchId?: number): Promise<ActivityDoc[]> {
  return readStore
    .collection<ActivityDoc>(INVENTORY_ACTIVITY)
    .find(branchId === undefined ? {} : { branch_id: branchId }, { sort: { seq: -1 }, limit });
}

// --- reference data (document 003) -----------------------------------------------------------

export function listBranches(readStore: ReadStore): Promise<BranchDoc[]> {
  return readStore.collection<BranchDoc>(BRANCHES).find({}, { sort: { id: 1 } });
}

export function listNamed(readStore: ReadStore, kind: 'main_branch' | 'department' | 'parent_category'): Promise<NamedDoc[]> {
  const name = { main_branch: MAIN_BRANCHES, department: DEPARTMENTS, parent_category: PARENT_CATEGORIES }[kind];
  return readStore.collection<NamedDoc>(name).find({}, { sort: { id: 1 } });
}

export function findNamed(readStore: ReadStore, kind: 'main_branch' | 'department' | 'parent_category', id: number): Promise<NamedDoc | null> {
  const name = { main_branch: MAIN_BRANCHES, department: DEPARTMENTS, parent_category: PARENT_CATEGORIES }[kind];
  return readStore.collection<NamedDoc>(name).findOne({ _id: String(id) });
}

export function findBranch(readStore: ReadStore, id: number): Promise<BranchDoc | null> {
  return readStore.collection<BranchDoc>(BRANCHES).findOne({ _id: String(id) });
}

export function listCategories(readStore: ReadStore): Promise<CategoryDoc[]> {
  return readStore.collection<CategoryDoc>(CATEGORIES).find({}, { sort: { bribox_id: 1 } });
}

export function findCategoryByBriboxId(readStore: ReadStore, briboxId: string): Promise<CategoryDoc | null> {
  return readStore.collection<CategoryDoc>(CATEGORIES).findOne({ bribox_id: briboxId });
}

/** Records of one kind by integer id, one `$in`. */
export async function referencesByIds<T extends ReferenceDoc>(readStore: ReadStore, collection: string, ids: Iterable<number | null | undefined>): Promise<Map<number, T>> {
  const list = [...new Set([...ids].filter((id): id is number => typeof id === 'number'))].map(String);
  if (list.length === 0) return new Map();
  const docs = await readStore.collection<T>(collection).find({ _id: { $in: list } }, { readonly: true });
  return new Map(docs.map((d) => [d.id, d]));
}

export { BRANCHES, CATEGORIES, DEPARTMENTS, MAIN_BRANCHES, PARENT_CATEGORIES };
