import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';

/**
 * `auditor` (issue 15): reads the audit API (/api/v1/audit: full event streams, state at a
 * revision, hash-chain verification, exports) and nothing else; every other permission table
 * leaves it out.
 */
export const ROLES = ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Employee fields (document 003's users; accepted in document 000's `profile`): personnel number,
 * position, and the integer ids of the department and branch records. Added after the first
 * events were written, and optional: a profile without them reads as null (see `employeeFieldsOf`).
 */
export const employeeProfileSchema = z.object({
  pn: z.string().nullable().optional(),
  position: z.string().nullable().optional(),
  department_id: z.number().int().positive().nullable().optional(),
  branch_id: z.number().int().positive().nullable().optional(),
});

/**
 * Document 004's identity fields (users created through `POST /api/v1/identity/users`): the
 * username (unique, reserved like the email), the name in two parts (full_name stays the name
 * every document shows: first + last) and the time zone. Optional: absent on other users.
 */
export const dotmacProfileSchema = z.object({
  username: z.string().nullable().optional(),
  first_name: z.string().nullable().optional(),
  last_name: z.string().nullable().optional(),
  timezone: z.string().nullable().optional(),
});

export const profileSchema = z.object({
  full_name: z.string(),
  phone: z.string().nullable().default(null),
  avatar: z.string().nullable().default(null),
  department: z.string().nullable().default(null),
  ...employeeProfileSchema.shape,
  ...dotmacProfileSchema.shape,
});
export type Profile = z.infer<typeof profileSchema>;
export type EmployeeFields = { [K in keyof z.infer<typeof employeeProfileSchema>]-?: Exclude<z.infer<typeof employeeProfileSchema>[K], undefined> };

/** The employee fields of a stored profile; null for those a profile written before them lacks. */
export function employeeFieldsOf(profile: Partial<EmployeeFields>): EmployeeFields {
  return {
    pn: profile.pn ?? null,
    position: profile.position ?? null,
    department_id: profile.department_id ?? null,
    branch_id: profile.branch_id ?? null,
  };
}

export const UserRegistered = defineEvent(
  'UserRegistered',
  z.object({
    userId: z.string(),
    number: z.number().int().positive(),
    email: z.string(),
    role: z.enum(ROLES),
    passwordHash: z.string(),
    profile: profileSchema,
    registeredAt: z.string(),
    /** Set when the account is a customer's own login (registered with the customer). */
    customerId: z.string().optional(),
  }),
);
/**
 * The changed profile fields only. Built without profileSchema's defaults: `.partial()` keeps
 * them, so validating a change of one field would have filled the others in as null.
 */
export const profileChangesSchema = z
  .object({
    full_name: z.string(),
    phone: z.string().nullable(),
    avatar: z.string().nullable(),
    department: z.string().nullable(),
    pn: z.string().nullable(),
    position: z.string().nullable(),
    department_id: z.number().int().positive().nullable(),
    branch_id: z.number().int().positive().nullable(),
  })
  .partial();

export const UserProfileUpdated = defineEvent(
  'UserProfileUpdated',
  z.object({ userId: z.string(), changes: profileChangesSchema, updatedAt: z.string() }),
);
export const UserEmailChanged = defineEvent(
  'UserEmailChanged',
  z.object({ userId: z.string(), previousEmail: z.string(), email: z.string(), changedAt: z.string() }),
);
export const UserRoleChanged = defineEvent(
  'UserRoleChanged',
  z.object({ userId: z.string(), previousRole: z.enum(ROLES), role: z.enum(ROLES), changedAt: z.string() }),
);
export const UserDeactivated = defineEvent(
  'UserDeactivated',
  z.object({ userId: z.string(), reason: z.string().nullable(), deactivatedAt: z.string() }),
);
export const UserReactivated = defineEvent('UserReactivated', z.object({ userId: z.string(), reactivatedAt: z.string() }));
export const UserPasswordChanged = defineEvent(
  'UserPasswordChanged',
  z.object({ userId: z.string(), passwordHash: z.string(), changedAt: z.string() }),
);
export const PasswordResetRequested = defineEvent(
  'PasswordResetRequested',
  z.object({ userId: z.string(), tokenHash: z.string(), expiresAt: z.string(), requestedAt: z.string() }),
);
export const PasswordResetCompleted = defineEvent(
  'PasswordResetCompleted',
  z.object({ userId: z.string(), passwordHash: z.string(), completedAt: z.string() }),
);
export const UserLoggedIn = defineEvent(
  'UserLoggedIn',
  z.object({ userId: z.string(), sessionId: z.string(), loggedInAt: z.string() }),
);
export const UserLoginFailed = defineEvent(
  'UserLoginFailed',
  z.object({ userId: z.string(), reason: z.enum(['wrong_password', 'inactive']), failedAt: z.string() }),
);

export const userEvents = [
  UserRegistered,
  UserProfileUpdated,
  UserEmailChanged,
  UserRoleChanged,
  UserDeactivated,
  UserReactivated,
  UserPasswordChanged,
  PasswordResetRequested,
  PasswordResetCompleted,
  UserLoggedIn,
  UserLoginFailed,
];

export type UserEvent =
  | EventOf<typeof UserRegistered>
  | EventOf<typeof UserProfileUpdated>
  | EventOf<typeof UserEmailChanged>
  | EventOf<typeof UserRoleChanged>
  | EventOf<typeof UserDeactivated>
  | EventOf<typeof UserReactivated>
  | EventOf<typeof UserPasswordChanged>
  | EventOf<typeof PasswordResetRequested>
  | EventOf<typeof PasswordResetCompleted>
  | EventOf<typeof UserLoggedIn>
  | EventOf<typeof UserLoginFailed>;

export const userStream = (userId: string): string => `user-${userId}`;
