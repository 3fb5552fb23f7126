import { DuplicateError } from '../domain/shared/errors';
import type { Role } from '../domain/user';
import type { RequestMeta } from './context';
import { releaseUnique, reserveUnique } from './reservations';
import { registerUser, type RegisteredUser, type UserCommandDeps } from './users';

/** Usernames of document 004's users are unique among all users, like emails: reserved in their own stream. */
export const USER_USERNAME = 'user_username';

export interface StaffUserInput {
  username: string;
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  role: Role;
  phone: string | null;
  timezone: string | null;
}

/**
 * Document 004's `POST /api/v1/identity/users`: the same User every document knows (full_name
 * is first and last name), with its username reserved first (DuplicateError `username`), then
 * registered as any user (the email reserved among users: DuplicateError `email`). A failure
 * after the username reservation releases it.
 */
export async function registerStaffUser(deps: UserCommandDeps, input: StaffUserInput, meta: RequestMeta): Promise<RegisteredUser> {
  const userId = deps.ids.uuid();
  const username = input.username.trim();
  try {
    await reserveUnique(deps, USER_USERNAME, username, userId, meta);
  } catch (err) {
    if (err instanceof DuplicateError) throw new DuplicateError('username', username);
    throw err;
  }
  try {
    return await registerUser(
      deps,
      {
        userId,
        email: input.email,
        password: input.password,
        role: input.role,
        profile: {
          full_name: `${input.firstName.trim()} ${input.lastName.trim()}`.trim(),
          phone: input.phone,
          username,
          first_name: input.firstName.trim(),
          last_name: input.lastName.trim(),
          timezone: input.timezone,
        },
      },
      meta,
    );
  } catch (err) {
    await releaseUnique(deps, USER_USERNAME, username, userId, meta);
    if (err instanceof DuplicateError && err.field === 'user_email') throw new DuplicateError('email', input.email);
    throw err;
  }
}
