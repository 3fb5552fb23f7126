import { deciderSpec } from '../../../test/support/decider-spec';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors';
import { portalAccountDecider, type PortalAccountCommand } from './decider';
import { AccountLockedError } from './errors';
import { DEFAULT_PREFERENCES, type PortalAccountEvent } from './events';
import { passwordStrengthProblems } from './password-rules';
import { isPortalId, portalIdFrom, PORTAL_ID_ALPHABET } from './portal-id';

const spec = deciderSpec(portalAccountDecider);
const ref = { portalAccountId: 'pa-1', portalId: 'ACD34679', customerId: 'c-1' };
const t0 = '2026-01-15T12:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(t0) + minutes * 60_000).toISOString();
const lockout = { threshold: 5, lockMs: 30 * 60_000 };

const created: PortalAccountEvent = {
  type: 'PortalAccountCreated',
  data: { ...ref, accountType: 'customer', passwordHash: 'hash-temp', preferences: DEFAULT_PREFERENCES, createdAt: t0 },
};
const failed = (n: number, minute = 0): PortalAccountEvent => ({
  type: 'PortalLoginFailed',
  data: { ...ref, reason: 'wrong_password', failedAttempts: n, deviceFingerprint: null, failedAt: at(minute) },
});
const login = (over: Partial<Extract<PortalAccountCommand, { type: 'Login' }>> = {}): PortalAccountCommand => ({
  type: 'Login',
  passwordOk: true,
  totp: null,
  sessionId: 's-1',
  rememberMe: false,
  deviceFingerprint: null,
  lockout,
  now: at(1),
  ...over,
});
const setup: PortalAccountEvent = { type: 'PortalTwoFactorSetupStarted', data: { ...ref, method: 'totp', secretSealed: 'sealed-secret', startedAt: t0 } };
const enabled: PortalAccountEvent = { type: 'PortalTwoFactorEnabled', data: { ...ref, method: 'totp', totpTimeStep: 100, enabledAt: t0 } };

describe('PortalAccount decider', () => {
  describe('creation', () => {
    it('creates a pending account with the temporary password and default preferences', () => {
      spec
        .given([])
        .when({ type: 'CreatePortalAccount', ...ref, temporaryPassword: 'temp_password123', passwordHash: 'hash-temp', now: t0 })
        .then([created]);
    });
    it('refuses a temporary password that is too short, and a second creation', () => {
      spec
        .given([])
        .when({ type: 'CreatePortalAccount', ...ref, temporaryPassword: 'short', passwordHash: 'h', now: t0 })
        .thenThrows(ValidationError, (e) => expect(Object.keys(e.fields)).toEqual(['portal_password']));
      spec.given([created]).when({ type: 'CreatePortalAccount', ...ref, temporaryPassword: 'temp_password123', passwordHash: 'h', now: t0 }).thenThrows(IllegalStateError);
    });
    it('knows no command for an account that does not exist', () => {
      spec.given([]).when(login()).thenThrows(NotFoundError);
    });
  });

  describe('lockout', () => {
    it('counts a wrong password as a failure', () => {
      spec.given([created]).when(login({ passwordOk: false })).then([failed(1, 1)]);
    });
    it('locks the account for 30 minutes at the fifth consecutive failure', () => {
      spec
        .given([created, failed(1), failed(2), failed(3), failed(4)])
        .when(login({ passwordOk: false }))
        .then([failed(5, 1), { type: 'PortalAccountLocked', data: { ...ref, failedAttempts: 5, lockedUntil: at(31), lockedAt: at(1) } }]);
    });
    it('refuses even the right password while locked, and records nothing', () => {
      const locked: PortalAccountEvent = { type: 'PortalAccountLocked', data: { ...ref, failedAttempts: 5, lockedUntil: at(30), lockedAt: t0 } };
      spec
        .given([created, failed(5), locked])
        .when(login({ now: at(29) }))
        .thenThrows(AccountLockedError, (e) => expect(e.lockedUntil).toBe(at(30)));
    });
    it('unlocks (an event) at the first attempt after the lock ran out, counting afresh', () => {
      const locked: PortalAccountEvent = { type: 'PortalAccountLocked', data: { ...ref, failedAttempts: 5, lockedUntil: at(30), lockedAt: t0 } };
      const unlocked: PortalAccountEvent = { type: 'PortalAccountUnlocked', data: { ...ref, reason: 'lock_expired', unlockedAt: at(30) } };
      spec
        .given([created, failed(5), locked])
        .when(login({ now: at(30) }))
        .then([
          unlocked,
          { type: 'PortalLoginSucceeded', data: { ...ref, sessionId: 's-1', rememberMe: false, deviceFingerprint: null, totpTimeStep: null, loggedInAt: at(30) } },
        ]);
      spec
        .given([created, failed(5), locked])
        .when(login({ passwordOk: false, now: at(31) }))
        .then([{ ...unlocked, data: { ...unlocked.data, unlockedAt: at(31) } }, failed(1, 31)]);
    });
    it('starts counting again after a successful login', () => {
      const ok: PortalAccountEvent = { type: 'PortalLoginSucceeded', data: { ...ref, sessionId: 's-0', rememberMe: false, deviceFingerprint: null, totpTimeStep: null, loggedInAt: t0 } };
      spec.given([created, failed(1), failed(2), failed(3), failed(4), ok]).when(login({ passwordOk: false })).then([failed(1, 1)]);
    });
    it('lets staff unlock a locked account, and does nothing for an unlocked one', () => {
      const locked: PortalAccountEvent = { type: 'PortalAccountLocked', data: { ...ref, failedAttempts: 5, lockedUntil: at(30), lockedAt: t0 } };
      spec
        .given([created, failed(5), locked])
        .when({ type: 'UnlockPortalAccount', now: at(2) })
        .then([{ type: 'PortalAccountUnlocked', data: { ...ref, reason: 'staff', unlockedAt: at(2) } }]);
      spec.given([created]).when({ type: 'UnlockPortalAccount', now: at(2) }).thenNothing();
    });
  });

  describe('two-factor', () => {
    it('asks for a code (no event, nothing counted) when two-factor is on and none was given', () => {
      spec.given([created, setup, enabled]).when(login({ totp: null })).thenNothing();
    });
    it('logs in with a code of a later time step, and records the step', () => {
      spec
        .given([created, setup, enabled])
        .when(login({ totp: { timeStep: 101 } }))
        .then([{ type: 'PortalLoginSucceeded', data: { ...ref, sessionId: 's-1', rememberMe: false, deviceFingerprint: null, totpTimeStep: 101, loggedInAt: at(1) } }]);
    });
    it('never accepts a code twice: a step at or before the last one used is a failure', () => {
      const used: PortalAccountEvent = { type: 'PortalLoginSucceeded', data: { ...ref, sessionId: 's-0', rememberMe: false, deviceFingerprint: null, totpTimeStep: 105, loggedInAt: t0 } };
      for (const step of [105, 104]) {
        spec
          .given([created, setup, enabled, used])
          .when(login({ totp: { timeStep: step } }))
          .then([{ type: 'PortalLoginFailed', data: { ...ref, reason: 'wrong_two_factor_code', failedAttempts: 1, deviceFingerprint: null, failedAt: at(1) } }]);
      }
    });
    it('counts a wrong code towards the lockout', () => {
      spec
        .given([created, setup, enabled, failed(1), failed(2), failed(3), failed(4)])
        .when(login({ totp: { timeStep: null } }))
        .then([
          { type: 'PortalLoginFailed', data: { ...ref, reason: 'wrong_two_factor_code', failedAttempts: 5, deviceFingerprint: null, failedAt: at(1) } },
          { type: 'PortalAccountLocked', data: { ...ref, failedAttempts: 5, lockedUntil: at(31), lockedAt: at(1) } },
        ]);
    });
    it('enables only after set-up and with a valid code', () => {
      spec.given([created]).when({ type: 'EnableTwoFactor', totp: { timeStep: 100 }, now: t0 }).thenThrows(IllegalStateError);
      spec.given([created, setup]).when({ type: 'EnableTwoFactor', totp: { timeStep: null }, now: t0 }).thenThrows(ValidationError);
      spec.given([created, setup]).when({ type: 'EnableTwoFactor', totp: { timeStep: 100 }, now: t0 }).then([enabled]);
      spec.given([created, setup, enabled]).when({ type: 'StartTwoFactorSetup', secretSealed: 'x', now: t0 }).thenThrows(IllegalStateError);
    });
    it('disables with a fresh code or the password, not with the code that enabled it', () => {
      const disabled = (confirmedWith: 'code' | 'password', step: number | null): PortalAccountEvent => ({
        type: 'PortalTwoFactorDisabled',
        data: { ...ref, confirmedWith, totpTimeStep: step, disabledAt: t0 },
      });
      spec.given([created, setup, enabled]).when({ type: 'DisableTwoFactor', confirmation: { kind: 'code', totp: { timeStep: 100 } }, now: t0 }).thenThrows(ValidationError);
      spec.given([created, setup, enabled]).when({ type: 'DisableTwoFactor', confirmation: { kind: 'code', totp: { timeStep: 102 } }, now: t0 }).then([disabled('code', 102)]);
      spec.given([created, setup, enabled]).when({ type: 'DisableTwoFactor', confirmation: { kind: 'password', passwordOk: false }, now: t0 }).thenThrows(ValidationError);
      spec.given([created, setup, enabled]).when({ type: 'DisableTwoFactor', confirmation: { kind: 'password', passwordOk: true }, now: t0 }).then([disabled('password', null)]);
      spec.given([created]).when({ type: 'DisableTwoFactor', confirmation: { kind: 'password', passwordOk: true }, now: t0 }).thenThrows(IllegalStateError);
    });
  });

  describe('password rules', () => {
    const change = (over: Partial<Extract<PortalAccountCommand, { type: 'ChangePassword' }>> = {}): PortalAccountCommand => ({
      type: 'ChangePassword',
      currentPasswordOk: true,
      newPassword: 'new_secure_password',
      confirmPassword: 'new_secure_password',
      sameAsCurrent: false,
      newPasswordHash: 'hash-new',
      email: 'jane@example.com',
      sessionId: 's-1',
      now: at(5),
    });
    it('activates the account with its first password change', () => {
      spec
        .given([created])
        .when(change())
        .then([
          { type: 'PortalPasswordChanged', data: { ...ref, passwordHash: 'hash-new', sessionId: 's-1', changedAt: at(5) } },
          { type: 'PortalAccountActivated', data: { ...ref, activatedAt: at(5) } },
        ]);
    });
    it('requires the current password, an equal confirmation and a new password', () => {
      spec.given([created]).when({ ...change(), currentPasswordOk: false } as PortalAccountCommand).thenThrows(ValidationError, (e) => expect(Object.keys(e.fields)).toEqual(['current_password']));
      spec.given([created]).when({ ...change(), confirmPassword: 'other_secure_password' } as PortalAccountCommand).thenThrows(ValidationError, (e) => expect(Object.keys(e.fields)).toEqual(['confirm_password']));
      spec.given([created]).when({ ...change(), sameAsCurrent: true } as PortalAccountCommand).thenThrows(ValidationError, (e) => expect(Object.keys(e.fields)).toEqual(['new_password']));
    });
    it.each([
      ['too short', 'short1!'],
      ['letters only', 'onlylettershere'],
      ['digits only', '12345678901234'],
      ['one character repeated', 'aaaaaaaaaaaa'],
      ['a well-known password', 'Password123'],
      ['the Portal ID in it', 'my-acd34679-pass'],
      ['the e-mail name in it', 'jane-secret-2026'],
    ])('refuses a new password that is %s', (_what, password) => {
      expect(passwordStrengthProblems(password, { portalId: ref.portalId, email: 'jane@example.com' })).not.toEqual([]);
      spec.given([created]).when({ ...change(), newPassword: password, confirmPassword: password } as PortalAccountCommand).thenThrows(ValidationError);
    });
    it('accepts a long passphrase and a mixed password', () => {
      expect(passwordStrengthProblems('correct horse battery staple', { portalId: ref.portalId })).toEqual([]);
      expect(passwordStrengthProblems('Tr0ub4dor&3x', { portalId: ref.portalId })).toEqual([]);
    });
  });

  describe('preferences', () => {
    it('records only what changed, with the previous values', () => {
      spec
        .given([created])
        .when({ type: 'UpdatePreferences', changes: { theme: 'dark', emailNotifications: true, language: 'id' }, now: t0 })
        .then([{ type: 'PortalPreferencesUpdated', data: { ...ref, changes: { theme: 'dark', language: 'id' }, previous: { theme: 'light', language: 'en' }, updatedAt: t0 } }]);
      spec.given([created]).when({ type: 'UpdatePreferences', changes: { theme: 'light' }, now: t0 }).thenNothing();
    });
  });
});

describe('Portal IDs', () => {
  it('are 8 characters of an alphabet without look-alikes', () => {
    for (const c of '0O1IL2Z5S8BU') expect(PORTAL_ID_ALPHABET).not.toContain(c);
    let i = 0;
    const id = portalIdFrom((max) => i++ % max);
    expect(id).toHaveLength(8);
    expect(isPortalId(id)).toBe(true);
    expect(isPortalId(id.toLowerCase())).toBe(true);
    expect(isPortalId('ABC12345')).toBe(false);
  });
});
