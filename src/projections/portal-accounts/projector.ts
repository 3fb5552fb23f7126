import type { CustomerEvent } from '../../domain/customer';
import type { PortalAccountEvent, PortalPreferences } from '../../domain/portal-account';
import type { Doc } from '../../ports/read-store';
import { applyOnce, insertOnce, type ProjectedEvent, type Projector } from '../engine/projector';

export const PORTAL_ACCOUNTS = 'portal_accounts';

/**
 * One document per portal account (`_id` the account id), in document 004's words: what the
 * portal's authentication checks on every request (status, password-change requirement, when
 * the credentials changed) and what the profile shows. Derived from the PortalAccount events,
 * and from CustomerClosed (the account of a closed customer is `closed`: no way in).
 */
export interface PortalAccountDoc extends Doc {
  portal_id: string;
  customer_id: string;
  account_type: string;
  status: 'pending_activation' | 'active';
  require_password_change: boolean;
  two_factor_enabled: boolean;
  failed_attempts: number;
  locked_until: string | null;
  account_settings: {
    email_notifications: boolean;
    sms_notifications: boolean;
    theme_preference: string;
    language_preference: string;
    timezone_preference: string;
  };
  credentials_changed_at: string | null;
  credentials_session_id: string | null;
  last_login_at: string | null;
  closed: boolean;
  revision: number;
  created_at: string;
  updated_at: string;
}

const SETTING_FIELDS: Record<keyof PortalPreferences, keyof PortalAccountDoc['account_settings']> = {
  emailNotifications: 'email_notifications',
  smsNotifications: 'sms_notifications',
  theme: 'theme_preference',
  language: 'language_preference',
  timezone: 'timezone_preference',
};

const settingsOf = (p: PortalPreferences): PortalAccountDoc['account_settings'] => ({
  email_notifications: p.emailNotifications,
  sms_notifications: p.smsNotifications,
  theme_preference: p.theme,
  language_preference: p.language,
  timezone_preference: p.timezone,
});

export const portalAccountsProjector: Projector = {
  name: 'portal_accounts',
  handles: [
    'PortalAccountCreated',
    'PortalAccountActivated',
    'PortalLoginSucceeded',
    'PortalLoginFailed',
    'PortalAccountLocked',
    'PortalAccountUnlocked',
    'PortalPasswordChanged',
    'PortalTwoFactorSetupStarted',
    'PortalTwoFactorEnabled',
    'PortalTwoFactorDisabled',
    'PortalPreferencesUpdated',
    'CustomerClosed',
  ],
  collections: { [PORTAL_ACCOUNTS]: [{ keys: { portal_id: 1 } }, { keys: { customer_id: 1 } }] },
  async apply(raw, ctx) {
    const col = ctx.collection<PortalAccountDoc>(PORTAL_ACCOUNTS);
    if (raw.type === 'CustomerClosed') {
      const closed = raw as ProjectedEvent & CustomerEvent & { type: 'CustomerClosed' };
      const account = await col.findOne({ customer_id: closed.data.customerId }, { projection: { _id: 1 } });
      if (account) await applyOnce(col, account._id, raw.position, { $set: { closed: true, updated_at: closed.data.closedAt } });
      return;
    }
    const event = raw as ProjectedEvent & PortalAccountEvent;
    const id = event.data.portalAccountId;
    const at = event.metadata.timestamp;
    const set = (fields: Record<string, unknown>) => applyOnce(col, id, event.position, { $set: { ...fields, revision: event.revision, updated_at: at } });
    switch (event.type) {
      case 'PortalAccountCreated': {
        const d = event.data;
        await insertOnce<PortalAccountDoc>(
          col,
          {
            _id: id,
            portal_id: d.portalId,
            customer_id: d.customerId,
            account_type: d.accountType,
            status: 'pending_activation',
            require_password_change: true,
            two_factor_enabled: false,
            failed_attempts: 0,
            locked_until: null,
            account_settings: settingsOf(d.preferences),
            credentials_changed_at: null,
            credentials_session_id: null,
            last_login_at: null,
            closed: false,
            revision: event.revision,
            created_at: d.createdAt,
            updated_at: d.createdAt,
          },
          event.position,
        );
        return;
      }
      case 'PortalAccountActivated':
        await set({ status: 'active', require_password_change: false });
        return;
      case 'PortalLoginSucceeded':
        await set({ failed_attempts: 0, last_login_at: event.data.loggedInAt });
        return;
      case 'PortalLoginFailed':
        await set({ failed_attempts: event.data.failedAttempts });
        return;
      case 'PortalAccountLocked':
        await set({ locked_until: event.data.lockedUntil });
        return;
      case 'PortalAccountUnlocked':
        await set({ locked_until: null, failed_attempts: 0 });
        return;
      case 'PortalPasswordChanged':
        await set({ credentials_changed_at: event.data.changedAt, credentials_session_id: event.data.sessionId });
        return;
      case 'PortalTwoFactorSetupStarted':
        await set({});
        return;
      case 'PortalTwoFactorEnabled':
        await set({ two_factor_enabled: true });
        return;
      case 'PortalTwoFactorDisabled':
        await set({ two_factor_enabled: false });
        return;
      case 'PortalPreferencesUpdated': {
        const fields: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(event.data.changes)) fields[`account_settings.${SETTING_FIELDS[key as keyof PortalPreferences]}`] = value;
        await set(fields);
        return;
      }
    }
  },
};
