import { ForbiddenError, UnauthenticatedError } from '../shared/errors';

/**
 * The portal account is locked after too many failed logins (document 004: 423 ACCOUNT_LOCKED).
 * A ForbiddenError for every other document; document 004 maps it to 423 in its one handler.
 */
export class AccountLockedError extends ForbiddenError {
  constructor(readonly lockedUntil: string) {
    super('The portal account is locked after too many failed logins. Try again later.');
    this.name = 'AccountLockedError';
  }
}

/** The password was right, two-factor authentication is on and no code was given (document 004: 428). */
export class TwoFactorRequiredError extends UnauthenticatedError {
  constructor(readonly methods: readonly string[]) {
    super('Two-factor authentication required', 'missing');
    this.name = 'TwoFactorRequiredError';
  }
}
