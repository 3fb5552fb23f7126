import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';

/**
 * A customer's portal account (document 004, "Portal ID APIs"): the Portal ID and password a
 * customer signs in to /api/portal/v1 with, its lockout, its two-factor authentication and its
 * preferences. Stream `portal_account-<uuid>`. One per customer (a reservation of the customer
 * id), its Portal ID unique (a reservation of the Portal ID): see src/commands/portal-accounts.ts.
 *
 *   pending_activation ──first password change──▶ active
 *
 * Lock and unlock are events: PortalAccountLocked after the threshold of consecutive failed
 * logins, PortalAccountUnlocked when the lock has run out (recorded by the next login attempt
 * after it) or when staff unlock it. TOTP secrets are stored sealed (SecretBox), never in clear.
 */

export const PORTAL_ACCOUNT_STATUSES = ['pending_activation', 'active'] as const;
export type PortalAccountStatus = (typeof PORTAL_ACCOUNT_STATUSES)[number];

export const PORTAL_ACCOUNT_TYPES = ['customer'] as const;
export type PortalAccountType = (typeof PORTAL_ACCOUNT_TYPES)[number];

export const THEMES = ['light', 'dark', 'system'] as const;

/** The account settings the profile shows besides two-factor (document 004 `account_settings`). */
export const portalPreferencesSchema = z.object({
  emailNotifications: z.boolean(),
  smsNotifications: z.boolean(),
  theme: z.enum(THEMES),
  /** BCP 47 language tag, e.g. en, id, en-US. */
  language: z.string(),
  /** IANA time zone. */
  timezone: z.string(),
});
export type PortalPreferences = z.infer<typeof portalPreferencesSchema>;

export const DEFAULT_PREFERENCES: PortalPreferences = {
  emailNotifications: true,
  smsNotifications: false,
  theme: 'light',
  language: 'en',
  timezone: 'UTC',
};

const ref = { portalAccountId: z.string(), portalId: z.string(), customerId: z.string() };

export const PortalAccountCreated = defineEvent(
  'PortalAccountCreated',
  z.object({
    ...ref,
    accountType: z.enum(PORTAL_ACCOUNT_TYPES),
    /** Hash of the temporary password (a change is required at the first login). */
    passwordHash: z.string(),
    preferences: portalPreferencesSchema,
    createdAt: z.string(),
  }),
);

/** The temporary password was replaced: the account is active from now on. */
export const PortalAccountActivated = defineEvent('PortalAccountActivated', z.object({ ...ref, activatedAt: z.string() }));

export const PortalLoginSucceeded = defineEvent(
  'PortalLoginSucceeded',
  z.object({
    ...ref,
    sessionId: z.string(),
    rememberMe: z.boolean(),
    deviceFingerprint: z.string().nullable(),
    /** The TOTP time step of the code used, when two-factor was required (never accepted again). */
    totpTimeStep: z.number().int().nullable(),
    loggedInAt: z.string(),
  }),
);

export const PortalLoginFailed = defineEvent(
  'PortalLoginFailed',
  z.object({
    ...ref,
    reason: z.enum(['wrong_password', 'wrong_two_factor_code']),
    /** Consecutive failures including this one. */
    failedAttempts: z.number().int().positive(),
    deviceFingerprint: z.string().nullable(),
    failedAt: z.string(),
  }),
);

export const PortalAccountLocked = defineEvent(
  'PortalAccountLocked',
  z.object({ ...ref, failedAttempts: z.number().int().positive(), lockedUntil: z.string(), lockedAt: z.string() }),
);

export const PortalAccountUnlocked = defineEvent(
  'PortalAccountUnlocked',
  z.object({ ...ref, reason: z.enum(['lock_expired', 'staff']), unlockedAt: z.string() }),
);

/**
 * A new password. `sessionId`: the session that changed it (it stays valid; every other session
 * that started before the change is refused from now on).
 */
export const PortalPasswordChanged = defineEvent(
  'PortalPasswordChanged',
  z.object({ ...ref, passwordHash: z.string(), sessionId: z.string().nullable(), changedAt: z.string() }),
);

/** A TOTP secret was generated for the account; two-factor is on only once a code from it is confirmed. */
export const PortalTwoFactorSetupStarted = defineEvent(
  'PortalTwoFactorSetupStarted',
  z.object({ ...ref, method: z.literal('totp'), secretSealed: z.string(), startedAt: z.string() }),
);

export const PortalTwoFactorEnabled = defineEvent(
  'PortalTwoFactorEnabled',
  z.object({ ...ref, method: z.literal('totp'), totpTimeStep: z.number().int(), enabledAt: z.string() }),
);

export const PortalTwoFactorDisabled = defineEvent(
  'PortalTwoFactorDisabled',
  z.object({ ...ref, confirmedWith: z.enum(['code', 'password']), totpTimeStep: z.number().int().nullable(), disabledAt: z.string() }),
);

/** Only the preferences that changed, with their values before. */
export const PortalPreferencesUpdated = defineEvent(
  'PortalPreferencesUpdated',
  z.object({ ...ref, changes: portalPreferencesSchema.partial(), previous: portalPreferencesSchema.partial(), updatedAt: z.string() }),
);

export const portalAccountEvents = [
  PortalAccountCreated,
  PortalAccountActivated,
  PortalLoginSucceeded,
  PortalLoginFailed,
  PortalAccountLocked,
  PortalAccountUnlocked,
  PortalPasswordChanged,
  PortalTwoFactorSetupStarted,
  PortalTwoFactorEnabled,
  PortalTwoFactorDisabled,
  PortalPreferencesUpdated,
];

export type PortalAccountEvent =
  | EventOf<typeof PortalAccountCreated>
  | EventOf<typeof PortalAccountActivated>
  | EventOf<typeof PortalLoginSucceeded>
  | EventOf<typeof PortalLoginFailed>
  | EventOf<typeof PortalAccountLocked>
  | EventOf<typeof PortalAccountUnlocked>
  | EventOf<typeof PortalPasswordChanged>
  | EventOf<typeof PortalTwoFactorSetupStarted>
  | EventOf<typeof PortalTwoFactorEnabled>
  | EventOf<typeof PortalTwoFactorDisabled>
  | EventOf<typeof PortalPreferencesUpdated>;

export const PORTAL_ACCOUNT_EVENT_TYPES = portalAccountEvents.map((e) => e.type);

export const portalAccountStream = (portalAccountId: string): string => `portal_account-${portalAccountId}`;
