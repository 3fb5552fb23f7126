import { NotFoundError, ValidationError } from '../domain/shared/errors';
import { userDecider, userStream, type Profile, type Role, type UserState } from '../domain/user';
import type { PasswordHasher } from '../ports/password-hasher';
import type { CommandDeps, RequestMeta } from './context';
import { handleCommand, loadAggregate, type CommandResult } from './handle-command';
import { releaseUnique, reserveUnique } from './reservations';
import { nextSequenceNumber } from './sequences';
import { missingEmployeeReferences } from './reference-data';

export interface UserCommandDeps extends CommandDeps {
  passwords: PasswordHasher;
}

export interface RegisterUserInput {
  email: string;
  password: string;
  role: Role;
  profile: {
    full_name: string;
    phone?: string | null;
    avatar?: string | null;
    department?: string | null;
    /** Employee fields (document 003): the department and branch must exist. */
    pn?: string | null;
    position?: string | null;
    department_id?: number | null;
    branch_id?: number | null;
    /** Document 004's identity fields (the username is reserved by the caller). */
    username?: string | null;
    first_name?: string | null;
    last_name?: string | null;
    timezone?: string | null;
  };
  /** The customer this account is the login of (see registerCustomer). */
  customerId?: string;
  /** The new user's id, when the caller reserved something for it first (004's username). */
  userId?: string;
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
  const userId = input.userId ?? deps.ids.uuid();
  const email = input.email.trim().toLowerCase();
  await assertEmployeeReferences(deps, input.profile);
  await reserveUnique(deps, 'user_email', email, userId, meta);
  try {
    const number = await nextSequenceNumber(deps, 'user', meta);
    const passwordHash = await deps.passwords.hash(input.password);
    const profile: Profile = {
      full_name: input.profile.full_name,
      phone: input.profile.phone ?? null,
      avatar: input.profile.avatar ?? null,
      department: input.profile.department ?? null,
      ...employeeFields(input.profile),
      ...dotmacFields(input.profile),
    };
    const result = await handleCommand(
      deps,
      userDecider,
      userStream(userId),
      {
        type: 'RegisterUser',
        userId,
        number,
        email,
        role: input.role,
        passwordHash,
        profile,
        ...(input.customerId ? { customerId: input.customerId } : {}),
        now: deps.clock.now().toISOString(),
      },
      meta,
    );
    return { userId, number, position: result.position! };
  } catch (err) {
    await releaseUnique(deps, 'user_email', email, userId, meta);
    throw err;
  }
}

export interface UpdateUserInput {
  email?: string;
  role?: Role;
  /** A new password, hashed here; sessions started before the change stop working. */
  password?: string;
  isActive?: boolean;
  /** Why the account is deactivated (when isActive is false). */
  reason?: string | null;
  profile?: Partial<Profile>;
}

export interface UpdateUserOptions {
  /** From If-Match: apply only to this revision of the user's stream (else 412). */
  ifMatch?: number;
  /**
   * Checks the caller may make this change to this user as it is now (e.g. a manager may not
   * edit a super admin); throws to refuse. Runs on the loaded aggregate, before anything is written.
   */
  authorize?: (current: UserState) => void | Promise<void>;
}

/**
 * Applies one PUT to a user as a single append (UpdateUserAccount). A new email is reserved
 * first (409 if another user holds it) and the old one released once the change is written;
 * if the write fails, the new reservation is released again.
 */
export async function updateUser(
  deps: UserCommandDeps,
  userId: string,
  input: UpdateUserInput,
  meta: RequestMeta,
  options: UpdateUserOptions = {},
): Promise<CommandResult<UserState>> {
  const { state } = await loadAggregate(deps, userDecider, userStream(userId));
  if (!state.exists) throw new NotFoundError('User', userId);
  await options.authorize?.(state);
  if (input.profile) await assertEmployeeReferences(deps, input.profile);
  const email = input.email?.trim().toLowerCase();
  const newEmail = email !== undefined && email !== state.email ? email : undefined;
  if (newEmail) await reserveUnique(deps, 'user_email', newEmail, userId, meta);
  let result: CommandResult<UserState>;
  try {
    const passwordHash = input.password !== undefined ? await deps.passwords.hash(input.password) : undefined;
    result = await handleCommand(
      deps,
      userDecider,
      userStream(userId),
      {
        type: 'UpdateUserAccount',
        email,
        role: input.role,
        profile: input.profile,
        passwordHash,
        active: input.isActive,
        reason: input.reason ?? null,
        now: deps.clock.now().toISOString(),
      },
      meta,
      { ifMatch: options.ifMatch },
    );
  } catch (err) {
    if (newEmail) await releaseUnique(deps, 'user_email', newEmail, userId, meta);
    throw err;
  }
  for (const e of result.newEvents) {
    if (e.type === 'UserEmailChanged') await releaseUnique(deps, 'user_email', String(e.data.previousEmail), userId, meta);
  }
  return result;
}

/** The employee fields given (only those: a profile without them stays as it was written). */
function employeeFields(p: RegisterUserInput['profile']): Partial<Profile> {
  const out: Partial<Profile> = {};
  for (const k of ['pn', 'position', 'department_id', 'branch_id'] as const) if (p[k] !== undefined) (out as Record<string, unknown>)[k] = p[k];
  return out;
}

/** Document 004's identity fields, only those given (a profile without them reads as before). */
function dotmacFields(p: RegisterUserInput['profile']): Partial<Profile> {
  const out: Partial<Profile> = {};
  for (const k of ['username', 'first_name', 'last_name', 'timezone'] as const) if (p[k] !== undefined) (out as Record<string, unknown>)[k] = p[k];
  return out;
}

/** 422 on profile.department_id / profile.branch_id when they name no department or branch. */
async function assertEmployeeReferences(deps: UserCommandDeps, p: { department_id?: number | null; branch_id?: number | null }): Promise<void> {
  if ((p.department_id ?? null) === null && (p.branch_id ?? null) === null) return;
  const invalid = await missingEmployeeReferences(deps, p);
  if (Object.keys(invalid).length > 0) throw new ValidationError(invalid);
}

/** Soft delete: the account can no longer log in and its tokens stop working. Idempotent. */
export async function deactivateUser(
  deps: UserCommandDeps,
  userId: string,
  reason: string | null,
  meta: RequestMeta,
  options: Pick<UpdateUserOptions, 'authorize'> = {},
): Promise<CommandResult<UserState>> {
  return updateUser(deps, userId, { isActive: false, reason }, meta, options);
}
