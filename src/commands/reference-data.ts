import { branch, type BranchDetails } from '../domain/branch';
import { category, type CategoryDetails } from '../domain/category';
import { department } from '../domain/department';
import { mainBranch } from '../domain/main-branch';
import { parentCategory } from '../domain/parent-category';
import type { FieldErrors } from '../domain/shared/errors';
import { NotFoundError } from '../domain/shared/errors';
import type { ReferenceRecord, ReferenceRecordState } from '../domain/shared/reference-record';
import type { CommandDeps, RequestMeta } from './context';
import { handleCommand, loadAggregate, type CommandResult } from './handle-command';
import { lookupUnique, releaseUnique, reserveUnique } from './reservations';
import { nextSequenceNumber } from './sequences';

/**
 * Reference data of document 003 (branches, main branches, departments, categories and parent
 * categories): created with an integer id from the record kind's sequence and a UUID beside it,
 * then updated. Unique codes (a branch's code, a category's bribox id) are reserved in streams of
 * their own (owner: the record's integer id); the records a record points to must exist (their
 * streams are read). Who may do this is the API's business (admin only).
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRecord = ReferenceRecord<string, string, any>;

export interface CreatedRecord {
  id: number;
  uuid: string;
  position: number;
}

/** Whether record `id` of this kind exists (its stream holds its creation). */
export async function referenceExists(deps: CommandDeps, record: AnyRecord, id: number): Promise<boolean> {
  const { state } = await loadAggregate(deps, record.decider, record.stream(id));
  return (state as ReferenceRecordState<unknown>).exists;
}

/** Loads a record's state (404 when it does not exist). */
export async function loadReference<D>(deps: CommandDeps, record: ReferenceRecord<string, string, D>, id: number): Promise<ReferenceRecordState<D>> {
  const { state } = await loadAggregate(deps, record.decider, record.stream(id));
  if (!state.exists) throw new NotFoundError(record.kind, String(id));
  return state;
}

/** `{ field: ['The selected <field> is invalid.'] }` for each reference that names no record. */
async function missingReferences(deps: CommandDeps, refs: ReadonlyArray<[field: string, record: AnyRecord, id: number | null | undefined]>): Promise<FieldErrors> {
  const out: FieldErrors = {};
  for (const [field, record, id] of refs) {
    if (id === null || id === undefined) continue;
    if (!(await referenceExists(deps, record, id))) out[field] = [`The selected ${field.split('.').pop()!.replace(/_/g, ' ')} is invalid.`];
  }
  return out;
}

interface UniqueField {
  kind: string;
  /** The field the API names in a duplicate error. */
  field: string;
}

async function create<D>(
  deps: CommandDeps,
  record: ReferenceRecord<string, string, D>,
  details: D,
  invalid: FieldErrors,
  meta: RequestMeta,
  unique?: UniqueField & { value: string },
): Promise<CreatedRecord> {
  const id = await nextSequenceNumber(deps, record.kind, meta);
  const uuid = deps.ids.uuid();
  if (unique && Object.keys(invalid).length === 0) await reserveUnique(deps, unique.kind, unique.value, String(id), meta);
  try {
    const result = await handleCommand(deps, record.decider, record.stream(id), { type: 'Create', id, uuid, details, invalid, now: deps.clock.now().toISOString() }, meta);
    return { id, uuid, position: result.position! };
  } catch (err) {
    if (unique) await releaseUnique(deps, unique.kind, unique.value, String(id), meta);
    throw err;
  }
}

async function update<D>(
  deps: CommandDeps,
  record: ReferenceRecord<string, string, D>,
  id: number,
  changes: Partial<D>,
  invalid: FieldErrors,
  meta: RequestMeta,
  unique?: UniqueField & { current: string; next: string | undefined },
): Promise<CommandResult<ReferenceRecordState<D>>> {
  await loadReference(deps, record, id);
  const renamed = unique && unique.next !== undefined && unique.next !== unique.current && Object.keys(invalid).length === 0 ? unique.next : undefined;
  if (unique && renamed) await reserveUnique(deps, unique.kind, renamed, String(id), meta);
  let result: CommandResult<ReferenceRecordState<D>>;
  try {
    result = await handleCommand(deps, record.decider, record.stream(id), { type: 'Update', changes, invalid, now: deps.clock.now().toISOString() }, meta);
  } catch (err) {
    if (unique && renamed) await releaseUnique(deps, unique.kind, renamed, String(id), meta);
    throw err;
  }
  if (unique && renamed) await releaseUnique(deps, unique.kind, unique.current, String(id), meta);
  return result;
}

// --- records that are only a name ------------------------------------------------------------

export type NamedKind = 'main_branch' | 'department' | 'parent_category';
export const NAMED_RECORDS = { main_branch: mainBranch, department, parent_category: parentCategory } as const;

export function createNamedRecord(deps: CommandDeps, kind: NamedKind, name: string, meta: RequestMeta): Promise<CreatedRecord> {
  return create(deps, NAMED_RECORDS[kind], { name }, {}, meta);
}

export function updateNamedRecord(deps: CommandDeps, kind: NamedKind, id: number, changes: { name?: string }, meta: RequestMeta) {
  return update(deps, NAMED_RECORDS[kind], id, changes, {}, meta);
}

// --- branches --------------------------------------------------------------------------------

export const BRANCH_CODE: UniqueField = { kind: 'branch_code', field: 'branch_code' };

export async function createBranch(deps: CommandDeps, details: BranchDetails, meta: RequestMeta): Promise<CreatedRecord> {
  const invalid = await missingReferences(deps, [['main_branch_id', mainBranch, details.mainBranchId]]);
  return create(deps, branch, details, invalid, meta, { ...BRANCH_CODE, value: details.branchCode });
}

export async function updateBranch(deps: CommandDeps, id: number, changes: Partial<BranchDetails>, meta: RequestMeta) {
  const current = await loadReference(deps, branch, id);
  const invalid = await missingReferences(deps, [['main_branch_id', mainBranch, changes.mainBranchId]]);
  return update(deps, branch, id, changes, invalid, meta, { ...BRANCH_CODE, current: current.details.branchCode, next: changes.branchCode });
}

// --- categories (briboxes) -------------------------------------------------------------------

export const BRIBOX_ID: UniqueField = { kind: 'bribox_id', field: 'bribox_id' };

export async function createCategory(deps: CommandDeps, details: CategoryDetails, meta: RequestMeta): Promise<CreatedRecord> {
  const invalid = await missingReferences(deps, [['category_id', parentCategory, details.parentCategoryId]]);
  return create(deps, category, details, invalid, meta, { ...BRIBOX_ID, value: details.briboxId });
}

export async function updateCategory(deps: CommandDeps, id: number, changes: Partial<CategoryDetails>, meta: RequestMeta) {
  const current = await loadReference(deps, category, id);
  const invalid = await missingReferences(deps, [['category_id', parentCategory, changes.parentCategoryId]]);
  return update(deps, category, id, changes, invalid, meta, { ...BRIBOX_ID, current: current.details.briboxId, next: changes.briboxId });
}

/** The category a bribox id names (its integer id), or null. */
export async function categoryByBriboxId(deps: CommandDeps, briboxId: string): Promise<number | null> {
  const owner = await lookupUnique(deps, BRIBOX_ID.kind, briboxId);
  return owner === null ? null : Number(owner);
}

/** Field errors for employee references (a user's department and branch) that name no record. */
export function missingEmployeeReferences(deps: CommandDeps, refs: { department_id?: number | null; branch_id?: number | null }): Promise<FieldErrors> {
  return missingReferences(deps, [
    ['profile.department_id', department, refs.department_id],
    ['profile.branch_id', branch, refs.branch_id],
  ]);
}
