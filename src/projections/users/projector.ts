import type { EmployeeFields, UserEvent } from '../../domain/user';
import type { Doc } from '../../ports/read-store';
import { applyOnce, type ProjectedEvent, type Projector } from '../engine/projector';
import { searchTokens, SEARCH_TOKENS } from '../customers/search';

export const USERS = 'users';

export interface UserDoc extends Doc {
  number: number;
  email: string;
  role: string;
  is_active: boolean;
  /** As the events wrote it: the employee fields (pn, position, department_id, branch_id) only once set. */
  profile: { full_name: string; phone: string | null; avatar: string | null; department: string | null } & Partial<EmployeeFields>;
  /** Sessions started before this are no longer valid. */
  sessions_valid_after: string | null;
  last_login_at: string | null;
  /** Set for a customer's own login account. */
  customer_id: string | null;
  /** Words of the name and email, for GET /api/users?search= (see projections/customers/search.ts). */
  search_tokens: string[];
  /** Revision of the user's stream last applied: the ETag. */
  revision: number;
  created_at: string;
  updated_at: string;
}

const userSearchTokens = (fullName: string, email: string) => searchTokens(fullName, email);

export const usersProjector: Projector = {
  name: 'users',
  handles: [
    'UserRegistered',
    'UserProfileUpdated',
    'UserEmailChanged',
    'UserRoleChanged',
    'UserDeactivated',
    'UserReactivated',
    'UserPasswordChanged',
    'PasswordResetCompleted',
    'UserLoggedIn',
    // Only to keep `revision` (the ETag) equal to the stream's.
    'PasswordResetRequested',
    'UserLoginFailed',
  ],
  collections: {
    [USERS]: [
      { keys: { email: 1 } },
      { keys: { number: 1 } },
      // GET /api/users: newest first, `number` breaks ties; one index per filter combination.
      { keys: { created_at: -1, number: -1 } },
      { keys: { role: 1, created_at: -1, number: -1 } },
      { keys: { is_active: 1, created_at: -1, number: -1 } },
      { keys: { role: 1, is_active: 1, created_at: -1, number: -1 } },
      // A search, newest first: its page read from the word's entries in this order.
      { keys: { [SEARCH_TOKENS]: 1, created_at: -1, number: -1 } },
    ],
  },
  // The search index before it was ordered by the list's sort.
  retiredIndexes: { [USERS]: [`${SEARCH_TOKENS}_1`] },
  async apply(raw, ctx) {
    const event = raw as ProjectedEvent & UserEvent;
    const users = ctx.collection<UserDoc>(USERS);
    const at = event.metadata.timestamp;
    const id = event.data.userId;
    const revision = event.revision;
    switch (event.type) {
      case 'UserRegistered': {
        const d = event.data;
        await applyOnce(
          users,
          id,
          event.position,
          {
            $set: {
              number: d.number,
              email: d.email,
              role: d.role,
              is_active: true,
              profile: d.profile,
              sessions_valid_after: null,
              last_login_at: null,
              customer_id: d.customerId ?? null,
              search_tokens: userSearchTokens(d.profile.full_name, d.email),
              revision,
              created_at: d.registeredAt,
              updated_at: d.registeredAt,
            },
          },
          { upsert: true },
        );
        return;
      }
      case 'UserProfileUpdated': {
        const set: Record<string, unknown> = { updated_at: at, revision };
        for (const [k, v] of Object.entries(event.data.changes)) set[`profile.${k}`] = v;
        const fullName = event.data.changes.full_name;
        if (fullName !== undefined) {
          const doc = await users.findOne({ _id: id });
          if (doc) set.search_tokens = userSearchTokens(fullName, doc.email);
        }
        await applyOnce(users, id, event.position, { $set: set });
        return;
      }
      case 'UserEmailChanged': {
        const set: Record<string, unknown> = { email: event.data.email, updated_at: at, revision };
        const doc = await users.findOne({ _id: id });
        if (doc) set.search_tokens = userSearchTokens(doc.profile.full_name, event.data.email);
        await applyOnce(users, id, event.position, { $set: set });
        return;
      }
      case 'UserRoleChanged':
        await applyOnce(users, id, event.position, { $set: { role: event.data.role, updated_at: at, revision } });
        return;
      case 'UserDeactivated':
        await applyOnce(users, id, event.position, { $set: { is_active: false, updated_at: at, revision } });
        return;
      case 'UserReactivated':
        await applyOnce(users, id, event.position, { $set: { is_active: true, updated_at: at, revision } });
        return;
      case 'UserPasswordChanged':
      case 'PasswordResetCompleted':
        await applyOnce(users, id, event.position, { $set: { sessions_valid_after: at, updated_at: at, revision } });
        return;
      case 'UserLoggedIn':
        await applyOnce(users, id, event.position, { $set: { last_login_at: event.data.loggedInAt, revision } });
        return;
      case 'PasswordResetRequested':
      case 'UserLoginFailed':
        await applyOnce(users, id, event.position, { $set: { revision } });
        return;
      default:
        return;
    }
  },
};
