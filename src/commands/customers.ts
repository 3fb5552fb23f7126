import { randomBytes } from 'node:crypto';
import {
  customerDecider,
  customerStream,
  type CustomerChanges,
  type CustomerDetails,
  type CustomerState,
  type CustomerStatus,
} from '../domain/customer';
import { DuplicateError, NotFoundError, PreconditionFailedError, ValidationError } from '../domain/shared/errors';
import { userDecider, userStream, type Profile } from '../domain/user';
import type { RequestMeta } from './context';
import { handleCommand, loadAggregate, type CommandResult } from './handle-command';
import { releaseUnique, reserveAll, reserveUnique } from './reservations';
import { humanNumber, nextSequenceNumber } from './sequences';
import { registerUser, type UserCommandDeps } from './users';

/** CUST-000001: the customer's human number (document 004 `customer_number`). */
export const customerCode = (n: number): string => humanNumber('CUST', n, 6);

export interface RegisterCustomerInput {
  details: CustomerDetails;
  status?: CustomerStatus;
  /**
   * Also create the customer's own login account: a User with role `customer`, the customer's
   * email (unique across all users: DuplicateError otherwise) and an unusable random password
   * that the customer replaces through the password-reset flow. Needs `details.email`.
   */
  createLogin: boolean;
}

export interface RegisteredCustomer {
  customerId: string;
  number: number;
  code: string;
  userId: string | null;
  result: CommandResult<CustomerState>;
}

/**
 * Uniqueness of a customer's email and national id (002 `no_ktp`) among customers, whichever
 * document registered them: reservation streams (`customer_email`, `customer_national_id`)
 * owned by the customer id, released when the value changes or the customer is closed.
 */
export const CUSTOMER_EMAIL = 'customer_email';
export const CUSTOMER_NATIONAL_ID = 'customer_national_id';

async function reserveCustomerValues(
  deps: UserCommandDeps,
  customerId: string,
  values: { email: string | null; nationalId: string | null },
  meta: RequestMeta,
): Promise<() => Promise<void>> {
  const wanted: Array<[string, string]> = [];
  if (values.email) wanted.push([CUSTOMER_EMAIL, values.email]);
  if (values.nationalId) wanted.push([CUSTOMER_NATIONAL_ID, values.nationalId]);
  try {
    return await reserveAll(deps, wanted, customerId, meta);
  } catch (err) {
    // Named by the canonical field, for every document's error format.
    if (err instanceof DuplicateError) throw new DuplicateError(err.field === CUSTOMER_EMAIL ? 'email' : 'nationalId', err.value);
    throw err;
  }
}

/**
 * Registers a customer. Its email and national id are reserved first (DuplicateError when
 * another customer holds one), then the login account, whose email reservation among users is
 * the next uniqueness check: a duplicate leaves nothing behind. Should the customer itself then
 * fail to register, the account is deactivated and every value released again.
 */
export async function registerCustomer(
  deps: UserCommandDeps,
  input: RegisterCustomerInput,
  meta: RequestMeta,
): Promise<RegisteredCustomer> {
  const customerId = deps.ids.uuid();
  const details = {
    ...input.details,
    email: input.details.email?.trim().toLowerCase() || null,
    nationalId: input.details.nationalId?.trim() || null,
  };
  const releaseValues = await reserveCustomerValues(deps, customerId, details, meta);
  let userId: string | null = null;
  if (input.createLogin) {
    if (!details.email) throw new TypeError('A customer login needs an email');
    try {
    userId = (
      await registerUser(
        deps,
        {
          email: details.email,
          password: randomBytes(32).toString('base64url'),
          role: 'customer',
          profile: { full_name: details.fullName, phone: details.phone },
          customerId,
        },
        meta,
      )
    ).userId;
    } catch (err) {
      await releaseValues();
      throw err;
    }
  }
  try {
    const number = await nextSequenceNumber(deps, 'customer', meta);
    const code = customerCode(number);
    const result = await handleCommand(
      deps,
      customerDecider,
      customerStream(customerId),
      {
        type: 'RegisterCustomer',
        customerId,
        number,
        code,
        userId,
        status: input.status ?? 'active',
        details,
        now: deps.clock.now().toISOString(),
      },
      meta,
      { newStream: true },
    );
    return { customerId, number, code, userId, result };
  } catch (err) {
    if (userId) {
      await handleCommand(deps, userDecider, userStream(userId), {
        type: 'DeactivateUser',
        reason: 'customer registration failed',
        now: deps.clock.now().toISOString(),
      }, meta);
      await releaseUnique(deps, 'user_email', details.email!, userId, meta);
    }
    await releaseValues();
    throw err;
  }
}

/**
 * Partial update of a customer. The customer's login account mirrors its email, name and
 * phone: a new email is reserved for the account first (DuplicateError if another user holds
 * it), the customer is updated (If-Match applies to the customer's stream), then the account
 * follows and the old email is released.
 */
export async function updateCustomer(
  deps: UserCommandDeps,
  customerId: string,
  changes: CustomerChanges,
  meta: RequestMeta,
  options: { ifMatch?: number } = {},
): Promise<CommandResult<CustomerState>> {
  const loaded = await loadAggregate(deps, customerDecider, customerStream(customerId));
  if (!loaded.state.exists || loaded.state.closed) throw new NotFoundError('Customer', customerId);
  if (options.ifMatch !== undefined && options.ifMatch !== loaded.revision) {
    throw new PreconditionFailedError(options.ifMatch, loaded.revision);
  }
  const userId = loaded.state.userId;
  const email = typeof changes.email === 'string' ? changes.email.trim().toLowerCase() : changes.email;
  const normalised: CustomerChanges = email === undefined ? { ...changes } : { ...changes, email };
  const current = loaded.state.details.email;
  const newEmail = userId && typeof email === 'string' && email !== current ? email : null;
  if (userId && email === null) {
    throw new ValidationError({ email: ['A customer with a login account must keep an email.'] });
  }
  const nationalId = typeof changes.nationalId === 'string' ? changes.nationalId.trim() || null : changes.nationalId;
  if (nationalId !== undefined) normalised.nationalId = nationalId;
  const previousValues = { email: loaded.state.details.email, nationalId: loaded.state.details.nationalId };
  const newValues = {
    email: typeof email === 'string' && email !== current ? email : null,
    nationalId: typeof nationalId === 'string' && nationalId !== previousValues.nationalId ? nationalId : null,
  };
  const releaseNewValues = await reserveCustomerValues(deps, customerId, newValues, meta);
  try {
    if (newEmail) await reserveUnique(deps, 'user_email', newEmail, userId!, meta);
  } catch (err) {
    await releaseNewValues();
    throw err;
  }
  let result: CommandResult<CustomerState>;
  try {
    result = await handleCommand(
      deps,
      customerDecider,
      customerStream(customerId),
      { type: 'UpdateCustomer', changes: normalised, now: deps.clock.now().toISOString() },
      meta,
      options,
    );
  } catch (err) {
    if (newEmail) await releaseUnique(deps, 'user_email', newEmail, userId!, meta);
    await releaseNewValues();
    throw err;
  }
  // The values the customer no longer has are free again.
  for (const e of result.newEvents) {
    const previous = (e.data as { previous?: { email?: string | null; nationalId?: string | null } }).previous ?? {};
    if (typeof previous.email === 'string' && 'email' in (e.data.changes as object)) {
      await releaseUnique(deps, CUSTOMER_EMAIL, previous.email, customerId, meta);
    }
    if (typeof previous.nationalId === 'string' && 'nationalId' in (e.data.changes as object)) {
      await releaseUnique(deps, CUSTOMER_NATIONAL_ID, previous.nationalId, customerId, meta);
    }
  }
  if (userId && result.newEvents.length > 0) {
    const after = result.state.details;
    const profile: Partial<Profile> = { full_name: after.fullName, phone: after.phone };
    const account = await handleCommand(
      deps,
      userDecider,
      userStream(userId),
      { type: 'UpdateUserAccount', email: after.email ?? undefined, profile, now: deps.clock.now().toISOString() },
      meta,
    );
    for (const e of account.newEvents) {
      if (e.type === 'UserEmailChanged') await releaseUnique(deps, 'user_email', String(e.data.previousEmail), userId, meta);
    }
    if (account.position !== null && result.position !== null && account.position > result.position) {
      result = { ...result, position: account.position };
    }
  }
  return result;
}

/** What a closed customer's login account is left with: no personal data, no way in. */
export const closedAccountEmail = (userId: string): string => `closed-${userId}@closed.invalid`;

/**
 * Closes a customer (document 002 DELETE /api/pelanggan/{id}): CustomerClosed on its stream,
 * which takes it out of every read model (and its personal fields with it). Its email and
 * national id are free again. A login account it had is deactivated and its email and profile
 * replaced by placeholders (so no read model of users shows them either), and its email is
 * released. Closing a closed customer changes nothing. Returns the position to wait for.
 */
export async function closeCustomer(
  deps: UserCommandDeps,
  customerId: string,
  input: { reason: string | null },
  meta: RequestMeta,
  options: { ifMatch?: number } = {},
): Promise<CommandResult<CustomerState>> {
  const now = deps.clock.now().toISOString();
  const result = await handleCommand(deps, customerDecider, customerStream(customerId), { type: 'CloseCustomer', reason: input.reason, now }, meta, options);
  if (result.newEvents.length === 0) return result;
  const { email, nationalId } = result.state.details;
  if (email) await releaseUnique(deps, CUSTOMER_EMAIL, email, customerId, meta);
  if (nationalId) await releaseUnique(deps, CUSTOMER_NATIONAL_ID, nationalId, customerId, meta);
  let position = result.position;
  const userId = result.state.userId;
  if (userId) {
    const account = await handleCommand(
      deps,
      userDecider,
      userStream(userId),
      {
        type: 'UpdateUserAccount',
        email: closedAccountEmail(userId),
        profile: { full_name: 'Closed customer', phone: null, avatar: null },
        active: false,
        reason: 'customer closed',
        now,
      },
      meta,
    );
    for (const e of account.newEvents) {
      if (e.type === 'UserEmailChanged') await releaseUnique(deps, 'user_email', String(e.data.previousEmail), userId, meta);
    }
    if (account.position !== null && (position === null || account.position > position)) position = account.position;
  }
  return { ...result, position };
}
