import { ForbiddenError, ValidationError } from '../../../domain/shared/errors';
import type { Role, UserState } from '../../../domain/user';
import type { PasswordHasher } from '../../../ports/password-hasher';
import type { AuthContext } from '../../http/context';
import { allows, definePermissions } from '../permissions';

/**
 * Who may do what with /api/users (docs/api/000-users-customers.md). Besides the table:
 * anyone may GET their own user and PUT their own profile (full_name, phone, avatar,
 * department, and their password with current_password); only a super admin may create,
 * edit, promote to or demote from super_admin, and grant or remove `auditor`; nobody may deactivate themselves or change
 * their own role.
 */
export const USER_PERMISSIONS = definePermissions({
  list: ['super_admin', 'manager', 'supervisor'],
  view: ['super_admin', 'manager', 'supervisor'],
  create: ['super_admin', 'manager'],
  update: ['super_admin', 'manager'],
  /** DELETE, and is_active in a PUT (deactivate or reactivate). */
  deactivate: ['super_admin'],
  /** Create a super admin, edit one, or grant or remove the role. */
  manageSuperAdmins: ['super_admin'],
  /** Create an auditor (reads every event stream through /api/v1/audit), or grant or remove the role. */
  manageAuditors: ['super_admin'],
});

export type UserPermission = keyof typeof USER_PERMISSIONS;

export const may = (role: Role, permission: UserPermission): boolean => allows(USER_PERMISSIONS, permission, role);

const forbid = (message: string): never => {
  throw new ForbiddenError(message);
};

export function assertMayView(actor: AuthContext, userId: string): void {
  if (actor.userId !== userId && !may(actor.role, 'view')) forbid('You do not have permission to view this user');
}

export function assertMayCreate(actor: AuthContext, role: Role): void {
  if (!may(actor.role, 'create')) forbid('You do not have permission to create users');
  if (role === 'super_admin' && !may(actor.role, 'manageSuperAdmins')) forbid('Only a super admin may create a super admin');
  if (role === 'auditor' && !may(actor.role, 'manageAuditors')) forbid('Only a super admin may create an auditor');
}

export interface UserChange {
  email?: string;
  role?: Role;
  isActive?: boolean;
  password?: string;
  currentPassword?: string;
  profile?: { full_name?: string; phone?: string; avatar?: string | null; department?: string | null };
}

/**
 * Checks a PUT (or DELETE, as `isActive: false`) against the target as it is in its stream.
 * Only fields whose value would change count, so a client may send a record back unchanged.
 */
export async function assertMayChange(
  actor: AuthContext,
  target: UserState,
  change: UserChange,
  passwords: PasswordHasher,
): Promise<void> {
  const self = actor.userId === target.userId;
  const emailChanges = change.email !== undefined && change.email.trim().toLowerCase() !== target.email;
  const roleChanges = change.role !== undefined && change.role !== target.role;
  const activeChanges = change.isActive !== undefined && change.isActive !== target.isActive;

  if (!may(actor.role, 'update')) {
    if (!self) forbid('You do not have permission to update this user');
    if (emailChanges || roleChanges || activeChanges) forbid('You may only change your own profile and password');
  }
  if (activeChanges && !may(actor.role, 'deactivate')) forbid('You do not have permission to deactivate or reactivate users');
  if ((target.role === 'super_admin' || change.role === 'super_admin') && !may(actor.role, 'manageSuperAdmins')) {
    forbid('Only a super admin may change a super admin or grant the role');
  }
  if (roleChanges && (target.role === 'auditor' || change.role === 'auditor') && !may(actor.role, 'manageAuditors')) {
    forbid('Only a super admin may grant or remove the auditor role');
  }
  if (self && activeChanges) forbid('You cannot deactivate your own account');
  if (self && roleChanges) forbid('You cannot change your own role');

  if (target.customerId) {
    const p = change.profile ?? {};
    const mirrored: Record<string, boolean> = {
      email: emailChanges,
      role: roleChanges,
      'profile.full_name': p.full_name !== undefined && p.full_name !== target.profile.full_name,
      'profile.phone': p.phone !== undefined && p.phone !== target.profile.phone,
    };
    const fields = Object.keys(mirrored).filter((k) => mirrored[k]);
    if (fields.length > 0) {
      const message = `This is a customer's login account; change it through PUT /api/customers/${target.customerId}.`;
      throw new ValidationError(Object.fromEntries(fields.map((f) => [f, [message]])));
    }
  }

  if (self && change.password !== undefined) {
    if (!change.currentPassword) {
      throw new ValidationError({ current_password: ['The current password field is required to change your own password.'] });
    }
    if (!(await passwords.verify(change.currentPassword, target.passwordHash))) {
      throw new ValidationError({ current_password: ['The current password is incorrect.'] });
    }
  }
}
