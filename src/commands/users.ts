import { userDecider, userStream, type Profile, type Role } from '../domain/user';
import type { PasswordHasher } from '../ports/password-hasher';
import type { CommandDeps, RequestMeta } from './context';
import { handleCommand } from './handle-command';
import { releaseUnique, reserveUnique } from './reservations';
import { nextSequenceNumber } from './sequences';

export interface UserCommandDeps extends CommandDeps {
  passwords: PasswordHasher;
}

export interface RegisterUserInput {
  email: string;
  password: string;
  role: Role;
  profile: { full_name: string; phone?: string | null; avatar?: string | null; department?: string | null };
}

export interface RegisteredUser {
  userId: string;
  number: number;
  position: number;
}

/**
 * Registers a user: reserves the email (unique across all users, whatever the API), takes the
 * next user number, hashes the password and appends UserRegistered. If anything after the
 * reservation fails, the email is released again.
 */
export async function registerUser(deps: UserCommandDeps, input: RegisterUserInput, meta: RequestMeta): Promise<RegisteredUser> {
  const userId = deps.ids.uuid();
  const email = input.email.trim().toLowerCase();
  await reserveUnique(deps, 'user_email', email, userId, meta);
  try {
    const number = await nextSequenceNumber(deps, 'user', meta);
    const passwordHash = await deps.passwords.hash(input.password);
    const profile: Profile = {
      full_name: input.profile.full_name,
      phone: input.profile.phone ?? null,
      avatar: input.profile.avatar ?? null,
      department: input.profile.department ?? null,
    };
    const result = await handleCommand(
      deps,
      userDecider,
      userStream(userId),
      { type: 'RegisterUser', userId, number, email, role: input.role, passwordHash, profile, now: deps.clock.now().toISOString() },
      meta,
    );
    return { userId, number, position: result.position! };
  } catch (err) {
    await releaseUnique(deps, 'user_email', email, userId, meta);
    throw err;
  }
}
