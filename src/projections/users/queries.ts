import type { Filter, ReadStore, SortSpec } from '../../ports/read-store';
import { searchFilter } from '../customers/search';
import { USERS, type UserDoc } from './projector';
import { pageWithTotal } from '../engine/page';

/** `readonly`: the store may share its document, frozen (FindOptions), for a caller that only reads it. */
export function findUserById(readStore: ReadStore, userId: string, options: { readonly?: boolean } = {}): Promise<UserDoc | null> {
  return readStore.collection<UserDoc>(USERS).findOne({ _id: userId }, options);
}

export interface UserListQuery {
  role?: string;
  isActive?: boolean;
  /** Word-prefix search on name and email (see projections/customers/search.ts). */
  search?: string;
  skip: number;
  limit: number;
}

/** Newest first; the user number breaks ties (every list index ends with these two). */
export const USER_LIST_SORT: SortSpec = { created_at: -1, number: -1 };

export function userListFilter(q: Omit<UserListQuery, 'skip' | 'limit'>): Filter {
  const filter: Filter = {};
  if (q.role !== undefined) filter.role = q.role;
  if (q.isActive !== undefined) filter.is_active = q.isActive;
  const search = q.search ? searchFilter(q.search) : null;
  if (search) Object.assign(filter, search);
  return filter;
}

/** GET /api/users, served by the users indexes (see the projector). */
export async function listUsers(readStore: ReadStore, q: UserListQuery): Promise<{ items: UserDoc[]; total: number }> {
  const filter = userListFilter(q);
  const col = readStore.collection<UserDoc>(USERS);
  return pageWithTotal(col, filter, { sort: USER_LIST_SORT, skip: q.skip, limit: q.limit });
}
