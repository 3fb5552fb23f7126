import { deciderSpec } from '../../../test/support/decider-spec';
import { IllegalStateError, InvalidCredentialsError, NotFoundError, ValidationError } from '../shared/errors';
import { userDecider, type UserCommand } from './decider';
import type { UserEvent } from './events';

const spec = deciderSpec(userDecider);
const now = '2026-03-01T10:00:00.000Z';
const later = '2026-03-01T11:00:00.000Z';
const registered: UserEvent = {
  type: 'UserRegistered',
  data: {
    userId: 'u1',
    number: 1,
    email: 'ana@example.com',
    role: 'technician',
    passwordHash: 'hash-1',
    profile: { full_name: 'Ana', phone: '0811', avatar: null, department: 'Field' },
    registeredAt: now,
  },
};
const deactivated: UserEvent = { type: 'UserDeactivated', data: { userId: 'u1', reason: null, deactivatedAt: now } };
const resetRequested: UserEvent = {
  type: 'PasswordResetRequested',
  data: { userId: 'u1', tokenHash: 'th', expiresAt: later, requestedAt: now },
};

describe('User decider', () => {
  it('registers a user', () => {
    const { registeredAt: _r, ...d } = registered.data;
    spec.given([]).when({ type: 'RegisterUser', ...d, now }).then([registered]);
  });

  it('refuses to register the same user twice', () => {
    const { registeredAt: _r, ...d } = registered.data;
    spec.given([registered]).when({ type: 'RegisterUser', ...d, now }).thenThrows(IllegalStateError);
  });

  it('answers NotFound for commands on a user that does not exist', () => {
    spec.given([]).when({ type: 'ChangeUserRole', role: 'manager', now }).thenThrows(NotFoundError);
    spec.given([]).when({ type: 'RecordLogin', sessionId: 's', now }).thenThrows(NotFoundError);
  });

  it('records only the profile fields that change', () => {
    spec
      .given([registered])
      .when({ type: 'UpdateUserProfile', changes: { full_name: 'Ana', phone: '0822' }, now })
      .then([{ type: 'UserProfileUpdated', data: { userId: 'u1', changes: { phone: '0822' }, updatedAt: now } }]);
    spec.given([registered]).when({ type: 'UpdateUserProfile', changes: { full_name: 'Ana' }, now }).thenNothing();
  });

  it('changes role and email, recording the previous value', () => {
    spec
      .given([registered])
      .when({ type: 'ChangeUserRole', role: 'supervisor', now })
      .then([{ type: 'UserRoleChanged', data: { userId: 'u1', previousRole: 'technician', role: 'supervisor', changedAt: now } }]);
    spec
      .given([registered])
      .when({ type: 'ChangeUserEmail', email: 'ana2@example.com', now })
      .then([
        { type: 'UserEmailChanged', data: { userId: 'u1', previousEmail: 'ana@example.com', email: 'ana2@example.com', changedAt: now } },
      ]);
  });

  it('deactivates once, and a deactivated user cannot log in', () => {
    spec.given([registered]).when({ type: 'DeactivateUser', reason: null, now }).then([deactivated]);
    spec.given([registered, deactivated]).when({ type: 'DeactivateUser', reason: null, now }).thenNothing();
    spec.given([registered, deactivated]).when({ type: 'RecordLogin', sessionId: 's1', now }).thenThrows(InvalidCredentialsError);
  });

  it('reactivates a deactivated user', () => {
    spec
      .given([registered, deactivated])
      .when({ type: 'ReactivateUser', now })
      .then([{ type: 'UserReactivated', data: { userId: 'u1', reactivatedAt: now } }]);
  });

  it('records logins and failed logins', () => {
    spec
      .given([registered])
      .when({ type: 'RecordLogin', sessionId: 's1', now })
      .then([{ type: 'UserLoggedIn', data: { userId: 'u1', sessionId: 's1', loggedInAt: now } }]);
    spec
      .given([registered])
      .when({ type: 'RecordLoginFailure', reason: 'wrong_password', now })
      .then([{ type: 'UserLoginFailed', data: { userId: 'u1', reason: 'wrong_password', failedAt: now } }]);
  });

  it('changes the password', () => {
    spec
      .given([registered])
      .when({ type: 'ChangePassword', passwordHash: 'hash-2', now })
      .then([{ type: 'UserPasswordChanged', data: { userId: 'u1', passwordHash: 'hash-2', changedAt: now } }]);
  });

  it('requests a reset only for an active user', () => {
    spec.given([registered]).when({ type: 'RequestPasswordReset', tokenHash: 'th', expiresAt: later, now }).then([resetRequested]);
    spec
      .given([registered, deactivated])
      .when({ type: 'RequestPasswordReset', tokenHash: 'th', expiresAt: later, now })
      .thenNothing();
  });

  it('completes a reset with the matching, unexpired token, once', () => {
    const completed: UserEvent = { type: 'PasswordResetCompleted', data: { userId: 'u1', passwordHash: 'hash-3', completedAt: now } };
    spec
      .given([registered, resetRequested])
      .when({ type: 'CompletePasswordReset', tokenHash: 'th', passwordHash: 'hash-3', now })
      .then([completed]);
    spec
      .given([registered, resetRequested, completed])
      .when({ type: 'CompletePasswordReset', tokenHash: 'th', passwordHash: 'hash-4', now })
      .thenThrows(ValidationError);
  });

  it('refuses a reset with a wrong or expired token, or none requested', () => {
    spec
      .given([registered, resetRequested])
      .when({ type: 'CompletePasswordReset', tokenHash: 'other', passwordHash: 'h', now })
      .thenThrows(ValidationError);
    spec
      .given([registered, resetRequested])
      .when({ type: 'CompletePasswordReset', tokenHash: 'th', passwordHash: 'h', now: '2026-03-01T12:00:00.000Z' })
      .thenThrows(ValidationError);
    spec
      .given([registered])
      .when({ type: 'CompletePasswordReset', tokenHash: 'th', passwordHash: 'h', now })
      .thenThrows(ValidationError);
  });
  describe('UpdateUserAccount (PUT /api/users/:id)', () => {
    const update = (fields: Omit<Extract<UserCommand, { type: 'UpdateUserAccount' }>, 'type' | 'now'>): UserCommand => ({
      type: 'UpdateUserAccount',
      ...fields,
      now: later,
    });

    it('decides every change in order and appends them together', () => {
      spec
        .given([registered])
        .when(
          update({
            email: 'ana.new@example.com',
            profile: { full_name: 'Ana W', phone: '0811' },
            role: 'supervisor',
            passwordHash: 'hash-9',
            active: false,
            reason: 'left the company',
          }),
        )
        .then([
          {
            type: 'UserEmailChanged',
            data: { userId: 'u1', previousEmail: 'ana@example.com', email: 'ana.new@example.com', changedAt: later },
          },
          { type: 'UserProfileUpdated', data: { userId: 'u1', changes: { full_name: 'Ana W' }, updatedAt: later } },
          { type: 'UserRoleChanged', data: { userId: 'u1', previousRole: 'technician', role: 'supervisor', changedAt: later } },
          { type: 'UserPasswordChanged', data: { userId: 'u1', passwordHash: 'hash-9', changedAt: later } },
          { type: 'UserDeactivated', data: { userId: 'u1', reason: 'left the company', deactivatedAt: later } },
        ]);
    });

    it('changes nothing when every value is the current one', () => {
      spec
        .given([registered])
        .when(update({ email: 'ana@example.com', role: 'technician', profile: { full_name: 'Ana' }, active: true }))
        .thenNothing();
      spec.given([registered, deactivated]).when(update({ active: false })).thenNothing();
    });

    it('reactivates a deactivated user', () => {
      spec
        .given([registered, deactivated])
        .when(update({ active: true }))
        .then([{ type: 'UserReactivated', data: { userId: 'u1', reactivatedAt: later } }]);
    });

    it('answers NotFound for a user that does not exist', () => {
      spec.given([]).when(update({ role: 'manager' })).thenThrows(NotFoundError);
      spec.given([]).when({ type: 'DeactivateUser', reason: null, now }).thenThrows(NotFoundError);
    });
  });

  it('links a customer login account to its customer', () => {
    const { registeredAt: _r, ...d } = registered.data;
    const linked: UserEvent = { type: 'UserRegistered', data: { ...registered.data, role: 'customer', customerId: 'c1' } };
    spec.given([]).when({ type: 'RegisterUser', ...d, role: 'customer', customerId: 'c1', now }).then([linked]);
    expect(userDecider.evolve(userDecider.initialState(), linked).customerId).toBe('c1');
    expect(userDecider.evolve(userDecider.initialState(), registered).customerId).toBeNull();
  });
});
