import type { Decider } from '../shared/decider';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors';
import { AccountLockedError } from './errors';
import {
  DEFAULT_PREFERENCES,
  type PortalAccountEvent,
  type PortalAccountStatus,
  type PortalAccountType,
  type PortalPreferences,
} from './events';
import { passwordStrengthProblems, temporaryPasswordProblems } from './password-rules';

/**
 * The portal account decider. Pure: password hashes are computed and verified, TOTP codes
 * checked against the secret and the clock, by the command layer, which passes the outcome in
 * (`passwordOk`, the TOTP time step a code matched or null). What this decides is the policy:
 * lockout after `lockout.threshold` consecutive failures for `lockout.lockMs`, lock expiry,
 * no TOTP code accepted twice (a time step at or before the last one used is refused),
 * password strength, activation by the first password change, two-factor set-up order.
 */

export interface LockoutPolicy {
  /** Consecutive failed logins that lock the account (document 004: 5). */
  threshold: number;
  /** How long the lock lasts (document 004: 30 minutes). */
  lockMs: number;
}

export interface PortalAccountState {
  exists: boolean;
  portalAccountId: string;
  portalId: string;
  customerId: string;
  accountType: PortalAccountType;
  status: PortalAccountStatus;
  passwordHash: string;
  /** The temporary password must be replaced before anything else. */
  requirePasswordChange: boolean;
  failedAttempts: number;
  lockedUntil: string | null;
  twoFactor: { enabled: boolean; secretSealed: string | null; pendingSecretSealed: string | null };
  /** The TOTP time step of the last code accepted: codes of this step or earlier are refused. */
  lastTotpTimeStep: number | null;
  preferences: PortalPreferences;
  /** When the password last changed, and the session that changed it (the others end). */
  credentialsChangedAt: string | null;
  credentialsSessionId: string | null;
}

/** A TOTP code as the command layer checked it: the time step it matched, or null (no match). */
export type TotpCheck = { timeStep: number | null };

export type PortalAccountCommand =
  | {
      type: 'CreatePortalAccount';
      portalAccountId: string;
      portalId: string;
      customerId: string;
      /** Only checked for its length here; never stored. */
      temporaryPassword: string;
      passwordHash: string;
      preferences?: Partial<PortalPreferences>;
      now: string;
    }
  | {
      type: 'Login';
      passwordOk: boolean;
      /** Null: no code given. */
      totp: TotpCheck | null;
      sessionId: string;
      rememberMe: boolean;
      deviceFingerprint: string | null;
      lockout: LockoutPolicy;
      now: string;
    }
  | {
      type: 'ChangePassword';
      currentPasswordOk: boolean;
      newPassword: string;
      confirmPassword: string;
      /** The new password verifies against the current hash (it is the same password). */
      sameAsCurrent: boolean;
      newPasswordHash: string;
      email: string | null;
      sessionId: string | null;
      now: string;
    }
  | { type: 'StartTwoFactorSetup'; secretSealed: string; now: string }
  | { type: 'EnableTwoFactor'; totp: TotpCheck; now: string }
  | { type: 'DisableTwoFactor'; confirmation: { kind: 'code'; totp: TotpCheck } | { kind: 'password'; passwordOk: boolean }; now: string }
  | { type: 'UpdatePreferences'; changes: Partial<PortalPreferences>; now: string }
  | { type: 'UnlockPortalAccount'; now: string };

export const initialPortalAccountState = (): PortalAccountState => ({
  exists: false,
  portalAccountId: '',
  portalId: '',
  customerId: '',
  accountType: 'customer',
  status: 'pending_activation',
  passwordHash: '',
  requirePasswordChange: true,
  failedAttempts: 0,
  lockedUntil: null,
  twoFactor: { enabled: false, secretSealed: null, pendingSecretSealed: null },
  lastTotpTimeStep: null,
  preferences: { ...DEFAULT_PREFERENCES },
  credentialsChangedAt: null,
  credentialsSessionId: null,
});

const laterStep = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));

export function evolvePortalAccount(state: PortalAccountState, event: PortalAccountEvent): PortalAccountState {
  switch (event.type) {
    case 'PortalAccountCreated': {
      const d = event.data;
      return {
        ...initialPortalAccountState(),
        exists: true,
        portalAccountId: d.portalAccountId,
        portalId: d.portalId,
        customerId: d.customerId,
        accountType: d.accountType,
        passwordHash: d.passwordHash,
        preferences: d.preferences,
      };
    }
    case 'PortalAccountActivated':
      return { ...state, status: 'active', requirePasswordChange: false };
    case 'PortalLoginSucceeded':
      return { ...state, failedAttempts: 0, lastTotpTimeStep: laterStep(state.lastTotpTimeStep, event.data.totpTimeStep) };
    case 'PortalLoginFailed':
      return { ...state, failedAttempts: event.data.failedAttempts };
    case 'PortalAccountLocked':
      return { ...state, lockedUntil: event.data.lockedUntil };
    case 'PortalAccountUnlocked':
      return { ...state, lockedUntil: null, failedAttempts: 0 };
    case 'PortalPasswordChanged':
      return { ...state, passwordHash: event.data.passwordHash, credentialsChangedAt: event.data.changedAt, credentialsSessionId: event.data.sessionId };
    case 'PortalTwoFactorSetupStarted':
      return { ...state, twoFactor: { ...state.twoFactor, pendingSecretSealed: event.data.secretSealed } };
    case 'PortalTwoFactorEnabled':
      return {
        ...state,
        twoFactor: { enabled: true, secretSealed: state.twoFactor.pendingSecretSealed, pendingSecretSealed: null },
        lastTotpTimeStep: laterStep(state.lastTotpTimeStep, event.data.totpTimeStep),
      };
    case 'PortalTwoFactorDisabled':
      return {
        ...state,
        twoFactor: { enabled: false, secretSealed: null, pendingSecretSealed: null },
        lastTotpTimeStep: laterStep(state.lastTotpTimeStep, event.data.totpTimeStep),
      };
    case 'PortalPreferencesUpdated':
      return { ...state, preferences: { ...state.preferences, ...event.data.changes } };
  }
}

/** Whether a checked code may be accepted: it matched, and its time step was not used before. */
export function acceptableCode(state: Pick<PortalAccountState, 'lastTotpTimeStep'>, totp: TotpCheck): totp is { timeStep: number } {
  return totp.timeStep !== null && (state.lastTotpTimeStep === null || totp.timeStep > state.lastTotpTimeStep);
}

export const TWO_FACTOR_METHODS = ['totp'] as const;

export function decidePortalAccount(command: PortalAccountCommand, state: PortalAccountState): PortalAccountEvent[] {
  if (command.type === 'CreatePortalAccount') {
    if (state.exists) throw new IllegalStateError('The portal account already exists');
    const problems = temporaryPasswordProblems(command.temporaryPassword);
    if (problems.length) throw new ValidationError({ portal_password: problems });
    return [
      {
        type: 'PortalAccountCreated',
        data: {
          portalAccountId: command.portalAccountId,
          portalId: command.portalId,
          customerId: command.customerId,
          accountType: 'customer',
          passwordHash: command.passwordHash,
          preferences: { ...DEFAULT_PREFERENCES, ...command.preferences },
          createdAt: command.now,
        },
      },
    ];
  }
  if (!state.exists) throw new NotFoundError('Portal account', state.portalAccountId);
  const ref = { portalAccountId: state.portalAccountId, portalId: state.portalId, customerId: state.customerId };

  switch (command.type) {
    case 'Login': {
      const events: PortalAccountEvent[] = [];
      let failedSoFar = state.failedAttempts;
      if (state.lockedUntil !== null) {
        if (command.now < state.lockedUntil) throw new AccountLockedError(state.lockedUntil);
        events.push({ type: 'PortalAccountUnlocked', data: { ...ref, reason: 'lock_expired', unlockedAt: command.now } });
        failedSoFar = 0;
      }
      const fail = (reason: 'wrong_password' | 'wrong_two_factor_code'): PortalAccountEvent[] => {
        const failedAttempts = failedSoFar + 1;
        events.push({ type: 'PortalLoginFailed', data: { ...ref, reason, failedAttempts, deviceFingerprint: command.deviceFingerprint, failedAt: command.now } });
        if (failedAttempts >= command.lockout.threshold) {
          const lockedUntil = new Date(Date.parse(command.now) + command.lockout.lockMs).toISOString();
          events.push({ type: 'PortalAccountLocked', data: { ...ref, failedAttempts, lockedUntil, lockedAt: command.now } });
        }
        return events;
      };
      if (!command.passwordOk) return fail('wrong_password');
      let totpTimeStep: number | null = null;
      if (state.twoFactor.enabled) {
        // The password was right but no code came: ask for one (the caller answers 428), count nothing.
        if (command.totp === null) return events;
        if (!acceptableCode(state, command.totp)) return fail('wrong_two_factor_code');
        totpTimeStep = command.totp.timeStep;
      }
      events.push({
        type: 'PortalLoginSucceeded',
        data: { ...ref, sessionId: command.sessionId, rememberMe: command.rememberMe, deviceFingerprint: command.deviceFingerprint, totpTimeStep, loggedInAt: command.now },
      });
      return events;
    }

    case 'ChangePassword': {
      if (!command.currentPasswordOk) throw new ValidationError({ current_password: ['The current password is incorrect.'] });
      const fields: Record<string, string[]> = {};
      const problems = passwordStrengthProblems(command.newPassword, { portalId: state.portalId, email: command.email });
      if (command.sameAsCurrent) problems.push('The new password must differ from the current password.');
      if (problems.length) fields.new_password = problems;
      if (command.newPassword !== command.confirmPassword) fields.confirm_password = ['The password confirmation does not match.'];
      if (Object.keys(fields).length) throw new ValidationError(fields);
      const events: PortalAccountEvent[] = [
        { type: 'PortalPasswordChanged', data: { ...ref, passwordHash: command.newPasswordHash, sessionId: command.sessionId, changedAt: command.now } },
      ];
      if (state.status === 'pending_activation') events.push({ type: 'PortalAccountActivated', data: { ...ref, activatedAt: command.now } });
      return events;
    }

    case 'StartTwoFactorSetup':
      if (state.twoFactor.enabled) throw new IllegalStateError('Two-factor authentication is already enabled', 'enabled', ['disabled']);
      return [{ type: 'PortalTwoFactorSetupStarted', data: { ...ref, method: 'totp', secretSealed: command.secretSealed, startedAt: command.now } }];

    case 'EnableTwoFactor':
      if (state.twoFactor.enabled) throw new IllegalStateError('Two-factor authentication is already enabled', 'enabled', ['disabled']);
      if (state.twoFactor.pendingSecretSealed === null) {
        throw new IllegalStateError('Set two-factor authentication up first (POST /account/two-factor/setup)', 'disabled', ['setup_started']);
      }
      if (!acceptableCode(state, command.totp)) throw new ValidationError({ code: ['The code is not valid.'] });
      return [{ type: 'PortalTwoFactorEnabled', data: { ...ref, method: 'totp', totpTimeStep: command.totp.timeStep, enabledAt: command.now } }];

    case 'DisableTwoFactor': {
      if (!state.twoFactor.enabled) throw new IllegalStateError('Two-factor authentication is not enabled', 'disabled', ['enabled']);
      const c = command.confirmation;
      if (c.kind === 'password') {
        if (!c.passwordOk) throw new ValidationError({ password: ['The password is incorrect.'] });
        return [{ type: 'PortalTwoFactorDisabled', data: { ...ref, confirmedWith: 'password', totpTimeStep: null, disabledAt: command.now } }];
      }
      if (!acceptableCode(state, c.totp)) throw new ValidationError({ code: ['The code is not valid.'] });
      return [{ type: 'PortalTwoFactorDisabled', data: { ...ref, confirmedWith: 'code', totpTimeStep: c.totp.timeStep, disabledAt: command.now } }];
    }

    case 'UpdatePreferences': {
      const changes: Partial<PortalPreferences> = {};
      const previous: Partial<PortalPreferences> = {};
      for (const key of Object.keys(command.changes) as (keyof PortalPreferences)[]) {
        const value = command.changes[key];
        if (value === undefined || value === state.preferences[key]) continue;
        (changes as Record<string, unknown>)[key] = value;
        (previous as Record<string, unknown>)[key] = state.preferences[key];
      }
      if (Object.keys(changes).length === 0) return [];
      return [{ type: 'PortalPreferencesUpdated', data: { ...ref, changes, previous, updatedAt: command.now } }];
    }

    case 'UnlockPortalAccount':
      if (state.lockedUntil === null) return [];
      return [{ type: 'PortalAccountUnlocked', data: { ...ref, reason: 'staff', unlockedAt: command.now } }];
  }
}

export const portalAccountDecider: Decider<PortalAccountState, PortalAccountCommand, PortalAccountEvent> = {
  initialState: initialPortalAccountState,
  evolve: evolvePortalAccount,
  decide: decidePortalAccount,
};
