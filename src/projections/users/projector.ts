import type { UserEvent } from '../../domain/user';
import type { Doc } from '../../ports/read-store';
import { applyOnce, type ProjectedEvent, type Projector } from '../engine/projector';

export const USERS = 'users';

export interface UserDoc extends Doc {
  number: number;
  email: string;
  role: string;
  is_active: boolean;
  profile: { full_name: string; phone: string | null; avatar: string | null; department: string | null };
  /** Sessions started before this are no longer valid. */
  sessions_valid_after: string | null;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

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
  ],
  collections: {
    [USERS]: [
      { keys: { email: 1 } },
      { keys: { number: 1 } },
      { keys: { role: 1, created_at: -1 } },
      { keys: { is_active: 1, created_at: -1 } },
      { keys: { created_at: -1 } },
    ],
  },
  async apply(raw, ctx) {
    const event = raw as ProjectedEvent & UserEvent;
    const users = ctx.collection<UserDoc>(USERS);
    const at = event.metadata.timestamp;
    const id = event.data.userId;
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
              created_at: d.registeredAt,
              updated_at: d.registeredAt,
            },
          },
          { upsert: true },
        );
        return;
      }
      case 'UserProfileUpdated': {
        const set: Record<string, unknown> = { updated_at: at };
        for (const [k, v] of Object.entries(event.data.changes)) set[`profile.${k}`] = v;
        await applyOnce(users, id, event.position, { $set: set });
        return;
      }
      case 'UserEmailChanged':
        await applyOnce(users, id, event.position, { $set: { email: event.data.email, updated_at: at } });
        return;
      case 'UserRoleChanged':
        await applyOnce(users, id, event.position, { $set: { role: event.data.role, updated_at: at } });
        return;
      case 'UserDeactivated':
        await applyOnce(users, id, event.position, { $set: { is_active: false, updated_at: at } });
        return;
      case 'UserReactivated':
        await applyOnce(users, id, event.position, { $set: { is_active: true, updated_at: at } });
        return;
      case 'UserPasswordChanged':
      case 'PasswordResetCompleted':
        await applyOnce(users, id, event.position, { $set: { sessions_valid_after: at, updated_at: at } });
        return;
      case 'UserLoggedIn':
        await applyOnce(users, id, event.position, { $set: { last_login_at: event.data.loggedInAt } });
        return;
      default:
        return;
    }
  },
};
