import type { UserDoc } from '../../../../projections/users/projector';
import { isoSeconds } from '../../envelope';
import { dotmacRoleOf } from '../permissions';

type Profile = UserDoc['profile'] & { username?: string | null; first_name?: string | null; last_name?: string | null; timezone?: string | null };

/**
 * A user in document 004's words. Users created elsewhere have no username or name parts of
 * their own: their username is their email, and their full name splits at its first space.
 */
export function presentUser(doc: UserDoc) {
  const p = doc.profile as Profile;
  const [first, ...rest] = p.full_name.trim().split(/\s+/);
  return {
    id: doc._id,
    username: p.username ?? doc.email,
    email: doc.email,
    first_name: p.first_name ?? first ?? '',
    last_name: p.last_name ?? rest.join(' '),
    roles: [dotmacRoleOf(doc.role)],
    is_active: doc.is_active,
    phone: p.phone ?? null,
    timezone: p.timezone ?? null,
    last_login: doc.last_login_at ? isoSeconds(doc.last_login_at) : null,
    created_at: isoSeconds(doc.created_at),
  };
}
