import type { CustomerDoc } from '../../../../projections/customers/projector';
import type { PortalAccountDoc } from '../../../../projections/portal-accounts/projector';

/**
 * The profile in document 004's words. Customer fields map from the canonical customer
 * (DESIGN.md §5): display_name = the full name, customer_number = CUST-…, account_status =
 * the customer's status (pending, active, suspended, cancelled).
 */
export function presentProfile(account: PortalAccountDoc, customer: CustomerDoc) {
  return {
    portal_id: account.portal_id,
    account_status: account.status,
    require_password_change: account.require_password_change,
    customer: {
      id: customer._id,
      customer_number: customer.code,
      display_name: customer.full_name,
      customer_type: customer.customer_type ?? 'residential',
      account_status: customer.status,
      email: customer.email,
      phone: customer.phone,
    },
    account_settings: {
      two_factor_enabled: account.two_factor_enabled,
      ...account.account_settings,
    },
  };
}
