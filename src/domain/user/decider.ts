import type { Decider } from '../shared/decider';
import { IllegalStateError, InvalidCredentialsError, NotFoundError, ValidationError } from '../shared/errors';
import type { Profile, Role, UserEvent } from './events';

export interface UserState {
  exists: boolean;
  userId: string;
  number: number;
  email: string;
  role: Role;
  isActive: boolean;
  passwordHash: string;
  profile: Profile;
  pendingReset: { tokenHash: string; expiresAt: string } | null;
  lastLoginAt: string | null;
  failedLoginsSinceLastLogin: number;
  /** Sessions started before this time are no longer valid (password changed or reset). */
  credentialsChangedAt: string | null;
  /** The customer whose login this account is, if any. */
  customerId: string | null;
}

export type UserCommand =
  | {
      type: 'RegisterUser';
      userId: string;
      number: number;
      email: string;
      role: Role;
      passwordHash: string;
      profile: Profile;
      customerId?: string;
      now: string;
    }
  /** Several changes of one PUT, decided in order and appended together (or not at all). */
  | {
      type: 'UpdateUserAccount';
      email?: string;
      role?: Role;
      profile?: Partial<Profile>;
      passwordHash?: string;
      active?: boolean;
      reason?: string | null;
      now: string;
    }
  | { type: 'UpdateUserProfile'; changes: Partial<Profile>; now: string }
  | { type: 'ChangeUserEmail'; email: string; now: string }
  | { type: 'ChangeUserRole'; role: Role; now: string }
  | { type: 'DeactivateUser'; reason: string | null; now: string }
  | { type: 'ReactivateUser'; now: string }
  | { type: 'ChangePassword'; passwordHash: string; now: string }
  | { type: 'RequestPasswordReset'; tokenHash: string; expiresAt: string; now: string }
  | { type: 'CompletePasswordReset'; tokenHash: string; passwordHash: string; now: string }
  /** The password was verified by the caller (hash checks are I/O-bound work outside the domain). */
  | { type: 'RecordLogin'; sessionId: string; now: string }
  | { type: 'RecordLoginFailure'; reason: 'wrong_password' | 'inactive'; now: string };

const emptyProfile: Profile = { full_name: '', phone: null, avatar: null, department: null };

export const initialUserState = (): UserState => ({
  exists: false,
  userId: '',
  number: 0,
  email: '',
  role: 'customer',
  isActive: false,
  passwordHash: '',
  profile: emptyProfile,
  pendingReset: null,
  lastLoginAt: null,
  failedLoginsSinceLastLogin: 0,
  credentialsChangedAt: null,
  customerId: null,
});

export function evolveUser(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserRegistered': {
      const d = event.data;
      return {
        ...state,
        exists: true,
        userId: d.userId,
        number: d.number,
        email: d.email,
        role: d.role,
        isActive: true,
        passwordHash: d.passwordHash,
        profile: d.profile,
        customerId: d.customerId ?? null,
      };
    }
    case 'UserProfileUpdated':
      return { ...state, profile: { ...state.profile, ...event.data.changes } };
    case 'UserEmailChanged':
      return { ...state, email: event.data.email };
    case 'UserRoleChanged':
      return { ...state, role: event.data.role };
    case 'UserDeactivated':
      return { ...state, isActive: false };
    case 'UserReactivated':
      return { ...state, isActive: true };
    case 'UserPasswordChanged':
      return { ...state, passwordHash: event.data.passwordHash, pendingReset: null, credentialsChangedAt: event.data.changedAt };
    case 'PasswordResetRequested':
      return { ...state, pendingReset: { tokenHash: event.data.tokenHash, expiresAt: event.data.expiresAt } };
    case 'PasswordResetCompleted':
      return { ...state, passwordHash: event.data.passwordHash, pendingReset: null, credentialsChangedAt: event.data.completedAt };
    case 'UserLoggedIn':
      return { ...state, lastLoginAt: event.data.loggedInAt, failedLoginsSinceLastLogin: 0 };
    case 'UserLoginFailed':
      return { ...state, failedLoginsSinceLastLogin: state.failedLoginsSinceLastLogin + 1 };
  }
}

function requireExisting(state: UserState): void {
  if (!state.exists) throw new NotFoundError('User', state.userId);
}

export function decideUser(command: UserCommand, state: UserState): UserEvent[] {
  if (command.type === 'RegisterUser') {
    if (state.exists) throw new IllegalStateError('User already exists');
    const { type: _t, now, customerId, ...data } = command;
    return [{ type: 'UserRegistered', data: { ...data, registeredAt: now, ...(customerId ? { customerId } : {}) } }];
  }
  requireExisting(state);
  const userId = state.userId;
  switch (command.type) {
    case 'UpdateUserAccount': {
      const { now } = command;
      const steps: UserCommand[] = [];
      if (command.email !== undefined) steps.push({ type: 'ChangeUserEmail', email: command.email, now });
      if (command.profile !== undefined) steps.push({ type: 'UpdateUserProfile', changes: command.profile, now });
      if (command.role !== undefined) steps.push({ type: 'ChangeUserRole', role: command.role, now });
      if (command.passwordHash !== undefined) steps.push({ type: 'ChangePassword', passwordHash: command.passwordHash, now });
      if (command.active === false) steps.push({ type: 'DeactivateUser', reason: command.reason ?? null, now });
      if (command.active === true) steps.push({ type: 'ReactivateUser', now });
      const events: UserEvent[] = [];
      let current = state;
      for (const step of steps) {
        for (const e of decideUser(step, current)) {
          events.push(e);
          current = evolveUser(current, e);
        }
      }
      return events;
    }
    case 'UpdateUserProfile': {
      const changes = Object.fromEntries(
        Object.entries(command.changes).filter(([k, v]) => v !== undefined && state.profile[k as keyof Profile] !== v),
      ) as Partial<Profile>;
      if (Object.keys(changes).length === 0) return [];
      return [{ type: 'UserProfileUpdated', data: { userId, changes, updatedAt: command.now } }];
    }
    case 'ChangeUserEmail':
      if (command.email === state.email) return [];
      return [
        { type: 'UserEmailChanged', data: { userId, previousEmail: state.email, email: command.email, changedAt: command.now } },
      ];
    case 'ChangeUserRole':
      if (command.role === state.role) return [];
      return [{ type: 'UserRoleChanged', data: { userId, previousRole: state.role, role: command.role, changedAt: command.now } }];
    case 'DeactivateUser':
      if (!state.isActive) return [];
      return [{ type: 'UserDeactivated', data: { userId, reason: command.reason, deactivatedAt: command.now } }];
    case 'ReactivateUser':
      if (state.isActive) return [];
      return [{ type: 'UserReactivated', data: { userId, reactivatedAt: command.now } }];
    case 'ChangePassword':
      return [{ type: 'UserPasswordChanged', data: { userId, passwordHash: command.passwordHash, changedAt: command.now } }];
    case 'RequestPasswordReset':
      if (!state.isActive) return [];
      return [
        {
          type: 'PasswordResetRequested',
          data: { userId, tokenHash: command.tokenHash, expiresAt: command.expiresAt, requestedAt: command.now },
        },
      ];
    case 'CompletePasswordReset': {
      const reset = state.pendingReset;
      const invalid = new ValidationError({ token: ['The reset token is invalid or has expired.'] }, 'Invalid reset token');
      if (!state.isActive || !reset || reset.tokenHash !== command.tokenHash) throw invalid;
      if (Date.parse(reset.expiresAt) <= Date.parse(command.now)) throw invalid;
      return [{ type: 'PasswordResetCompleted', data: { userId, passwordHash: command.passwordHash, completedAt: command.now } }];
    }
    case 'RecordLogin':
      if (!state.isActive) throw new InvalidCredentialsError('Account is deactivated');
      return [{ type: 'UserLoggedIn', data: { userId, sessionId: command.sessionId, loggedInAt: command.now } }];
    case 'RecordLoginFailure':
      return [{ type: 'UserLoginFailed', data: { userId, reason: command.reason, failedAt: command.now } }];
  }
}

export const userDecider: Decider<UserState, UserCommand, UserEvent> = {
  initialState: initialUserState,
  evolve: evolveUser,
  decide: decideUser,
};
