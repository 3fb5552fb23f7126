import { randomBytes } from 'node:crypto';
import {
  customerDecider,
  customerStream,
  type CustomerChanges,
  type CustomerDetails,
  type CustomerState,
  type CustomerStatus,
} from '../domain/customer';
import { NotFoundError, PreconditionFailedError, ValidationError } from '../domain/shared/errors';
import { userDecider, userStream, type Profile } from '../domain/user';
import type { RequestMeta } from './context';
import { handleCommand, loadAggregate, type CommandResult } from './handle-command';
import { releaseUnique, reserveUnique } from './reservations';
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
 * Registers a customer. The login account comes first because its email reservation is the
 * uniqueness check: a duplicate email leaves nothing behind. Should the customer itself then
 * fail to register, the account is deactivated and its email released again.
 */
export async function registerCustomer(
  deps: UserCommandDeps,
  input: RegisterCustomerInput,
  meta: RequestMeta,
): Promise<RegisteredCustomer> {
  const customerId = deps.ids.uuid();
  const details = { ...input.details, email: input.details.email?.trim().toLowerCase() || null };
  let userId: string | null = null;
  if (input.createLogin) {
    if (!details.email) throw new TypeError('A customer login needs an email');
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
  if (!loaded.state.exists) throw new NotFoundError('Customer', customerId);
  if (options.ifMatch !== undefined && options.ifMatch !== loaded.revision) {
    throw new PreconditionFailedError(options.ifMatch, loaded.revision);
  }
  const userId = loaded.state.userId;
  const email = typeof changes.email === 'string' ? changes.email.trim().toLowerCase() : changes.email;
  const normalised: CustomerChanges = email === undefined ? changes : { ...changes, email };
  const current = loaded.state.details.email;
  const newEmail = userId && typeof email === 'string' && email !== current ? email : null;
  if (userId && email === null) {
    throw new ValidationError({ email: ['A customer with a login account must keep an email.'] });
  }
  if (newEmail) await reserveUnique(deps, 'user_email', newEmail, userId!, meta);
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
    throw err;
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
