import { Router, type Request } from 'express';
import { updateCustomer } from '../../../../commands/customers';
import { changePortalPassword, disableTwoFactor, enableTwoFactor, startTwoFactorSetup, updatePortalPreferences } from '../../../../commands/portal-accounts';
import type { PortalPreferences } from '../../../../domain/portal-account';
import { NotFoundError } from '../../../../domain/shared/errors';
import { getCustomer } from '../../../../projections/customers/queries';
import { getPortalAccount } from '../../../../projections/portal-accounts/queries';
import { metaFor } from '../../../http/context';
import { declareRoutes, route } from '../../../http/route';
import { boolean, nullable, object, oneOfValues, string, uuid } from '../../../openapi/schema';
import { settle, type ApiDeps } from '../../../deps';
import { ok } from '../../envelope';
import { ALWAYS, DOTMAC_COMPONENTS, dotmacDoc, dotmacSuccess, PORTAL_TAGS } from '../../openapi';
import { authenticatePortal, requirePortal } from '../../portal-auth';
import { changePasswordBody, disableTwoFactorBody, enableTwoFactorBody, profileUpdateBody } from './input';
import { presentProfile } from './presenter';

const base = { ...dotmacDoc, tag: PORTAL_TAGS.account };

const components = {
  ...DOTMAC_COMPONENTS,
  tags: [
    {
      name: PORTAL_TAGS.account,
      description:
        "Document 004 portal account: the signed-in customer's profile and settings, password, two-factor authentication (TOTP). Only portal tokens; while the temporary password has not been replaced only the profile, change-password and logout answer (403 ACCESS_DENIED `details.require_password_change`).",
    },
  ],
  schemas: {
    ...DOTMAC_COMPONENTS.schemas,
    DotmacPortalProfile: object({
      portal_id: string(),
      account_status: oneOfValues(['pending_activation', 'active'], 'The portal account: pending activation until the temporary password is replaced.'),
      require_password_change: boolean(),
      customer: object({
        id: uuid(),
        customer_number: string('CUST-000001'),
        display_name: string(),
        customer_type: oneOfValues(['residential', 'business', 'enterprise']),
        account_status: oneOfValues(['pending', 'active', 'suspended', 'cancelled']),
        email: nullable(string()),
        phone: string(),
      }),
      account_settings: object({
        two_factor_enabled: boolean(),
        email_notifications: boolean(),
        sms_notifications: boolean(),
        theme_preference: string(),
        language_preference: string(),
        timezone_preference: string(),
      }),
    }),
  },
};

const PREFERENCE_FIELDS: Record<string, keyof PortalPreferences> = {
  email_notifications: 'emailNotifications',
  sms_notifications: 'smsNotifications',
  theme_preference: 'theme',
  language_preference: 'language',
  timezone_preference: 'timezone',
};

const maxPosition = (...positions: Array<number | null>): number | null =>
  positions.reduce<number | null>((max, p) => (p === null ? max : max === null ? p : Math.max(max, p)), null);

/** Document 004 "Portal Account Management", mounted at /api/portal/v1/account. */
export function portalAccountRouter(deps: ApiDeps): Router {
  const router = Router();
  const signedIn = authenticatePortal(deps);
  const signedInPending = authenticatePortal(deps, { passwordChangeAllowed: true });

  const profileOf = async (req: Request) => {
    const portal = requirePortal(req);
    const [account, customer] = await Promise.all([getPortalAccount(deps.readStore, portal.portalAccountId), getCustomer(deps.readStore, portal.customerId)]);
    if (!account || !customer) throw new NotFoundError('Customer', portal.customerId);
    return presentProfile(account, customer);
  };

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/profile',
        before: [signedInPending],
        doc: {
          ...base,
          operationId: 'portalProfileGet',
          summary: "The signed-in customer's profile and account settings",
          success: [dotmacSuccess(200, 'The profile.', { $ref: '#/components/schemas/DotmacPortalProfile' })],
          statuses: [...ALWAYS],
        },
        handle: async (req, res) => ok(deps, req, res, await profileOf(req)),
      }),
      route({
        method: 'put',
        path: '/profile',
        body: profileUpdateBody,
        bodyLimit: '16kb',
        before: [signedIn],
        doc: {
          ...base,
          operationId: 'portalProfileUpdate',
          summary: 'Change the e-mail, the phone and the notification and display preferences',
          description:
            'Only the fields given change. The e-mail and phone are validated again and are the customer\'s own (the same customer every document shows: another customer\'s e-mail is 409 DUPLICATE_RESOURCE). Preferences: email_notifications, sms_notifications, theme_preference (light, dark, system), language_preference (a language tag), timezone_preference (an IANA time zone).',
          success: [dotmacSuccess(200, 'The profile after the change.', { $ref: '#/components/schemas/DotmacPortalProfile' })],
          statuses: [403, 409, ...ALWAYS],
        },
        handle: async (req, res, { body }) => {
          const portal = requirePortal(req);
          const meta = metaFor(req);
          const contact: { email?: string; phone?: string } = {};
          if (body.email !== undefined) contact.email = body.email;
          if (body.phone !== undefined) contact.phone = body.phone;
          const preferences: Partial<PortalPreferences> = {};
          for (const [field, key] of Object.entries(PREFERENCE_FIELDS)) {
            const value = body[field as keyof typeof body];
            if (value !== undefined) (preferences as Record<string, unknown>)[key] = value;
          }
          const customerResult = Object.keys(contact).length ? await updateCustomer(deps.commands, portal.customerId, contact, meta) : null;
          const preferencesResult = Object.keys(preferences).length ? await updatePortalPreferences(deps.commands, portal.portalAccountId, preferences, meta) : null;
          await settle(deps, req, maxPosition(customerResult?.position ?? null, preferencesResult?.position ?? null));
          ok(deps, req, res, await profileOf(req), { message: 'Profile updated successfully' });
        },
      }),
      route({
        method: 'post',
        path: '/change-password',
        body: changePasswordBody,
        bodyLimit: '16kb',
        before: [signedInPending],
        doc: {
          ...base,
          operationId: 'portalChangePassword',
          summary: 'Change the password (the first change activates the account)',
          description:
            'The current password is required and the confirmation must equal the new password. The new password needs 10 to 128 characters, letters and a digit or symbol, and may not be a well-known password, one character repeated, or contain the Portal ID or the e-mail name (422 VALIDATION_ERROR with the reasons). The caller\'s session goes on; every other session ends.',
          success: [dotmacSuccess(200, 'Changed.', object({ portal_id: string(), account_status: oneOfValues(['active']), require_password_change: boolean() }))],
          statuses: [...ALWAYS],
        },
        handle: async (req, res, { body }) => {
          const portal = requirePortal(req);
          const customer = await getCustomer(deps.readStore, portal.customerId);
          const result = await changePortalPassword(
            deps.commands,
            {
              portalAccountId: portal.portalAccountId,
              sessionId: portal.sessionId,
              currentPassword: body.current_password,
              newPassword: body.new_password,
              confirmPassword: body.confirm_password,
              email: customer?.email ?? null,
            },
            metaFor(req),
          );
          await settle(deps, req, result.position);
          ok(deps, req, res, { portal_id: portal.portalId, account_status: 'active', require_password_change: false }, { message: 'Password changed successfully' });
        },
      }),
      route({
        method: 'post',
        path: '/two-factor/setup',
        before: [signedIn],
        doc: {
          ...base,
          operationId: 'portalTwoFactorSetup',
          summary: 'Start two-factor authentication: a new TOTP secret for an authenticator app',
          description:
            'Answers the secret (Base32) and an `otpauth://` URI (for a QR code). Two-factor is on only after POST /two-factor/enable with a code from it; asking again replaces the secret. 409 when two-factor is already on.',
          success: [dotmacSuccess(200, 'The secret to enter in the authenticator app.', object({ secret: string(), otpauth_uri: string() }))],
          statuses: [409, ...ALWAYS],
        },
        handle: async (req, res) => {
          const portal = requirePortal(req);
          const { secret, otpauthUri, result } = await startTwoFactorSetup(deps.commands, portal.portalAccountId, metaFor(req));
          await settle(deps, req, result.position);
          ok(deps, req, res, { secret, otpauth_uri: otpauthUri }, { message: 'Scan the code with an authenticator app, then confirm a code to enable two-factor authentication' });
        },
      }),
      route({
        method: 'post',
        path: '/two-factor/enable',
        body: enableTwoFactorBody,
        bodyLimit: '4kb',
        before: [signedIn],
        doc: {
          ...base,
          operationId: 'portalTwoFactorEnable',
          summary: 'Turn two-factor authentication on with a valid code',
          description: 'A code of the secret from /two-factor/setup (30-second steps, one step of clock skew either way). A wrong code is 422; 409 without a set-up or when already on.',
          success: [dotmacSuccess(200, 'On.', object({ two_factor_enabled: boolean(), two_factor_methods: { type: 'array', items: { type: 'string' } } }))],
          statuses: [409, ...ALWAYS],
        },
        handle: async (req, res, { body }) => {
          const portal = requirePortal(req);
          const result = await enableTwoFactor(deps.commands, portal.portalAccountId, body.code, metaFor(req));
          await settle(deps, req, result.position);
          ok(deps, req, res, { two_factor_enabled: true, two_factor_methods: ['totp'] }, { message: 'Two-factor authentication enabled' });
        },
      }),
      route({
        method: 'post',
        path: '/two-factor/disable',
        body: disableTwoFactorBody,
        bodyLimit: '4kb',
        before: [signedIn],
        doc: {
          ...base,
          operationId: 'portalTwoFactorDisable',
          summary: 'Turn two-factor authentication off, with a current code or the password',
          description: 'A code already used (for the login or to enable) is not accepted again. A wrong code or password is 422; 409 when it is not on.',
          success: [dotmacSuccess(200, 'Off.', object({ two_factor_enabled: boolean(), two_factor_methods: { type: 'array', items: { type: 'string' } } }))],
          statuses: [409, ...ALWAYS],
        },
        handle: async (req, res, { body }) => {
          const portal = requirePortal(req);
          const confirmation = body.code !== undefined ? { code: body.code } : { password: body.password! };
          const result = await disableTwoFactor(deps.commands, portal.portalAccountId, confirmation, metaFor(req));
          await settle(deps, req, result.position);
          ok(deps, req, res, { two_factor_enabled: false, two_factor_methods: [] }, { message: 'Two-factor authentication disabled' });
        },
      }),
    ],
    components,
  );
  return router;
}
