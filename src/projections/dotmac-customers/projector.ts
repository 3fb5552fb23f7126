import type { CustomerDetails, CustomerEvent } from '../../domain/customer';
import type { SubscriptionEvent } from '../../domain/subscription';
import type { Doc } from '../../ports/read-store';
import { applyOnce, type ProjectedEvent, type Projector } from '../engine/projector';
import { searchTokens } from '../customers/search';

export const DOTMAC_CUSTOMERS = 'dotmac_customers';

export const ACCOUNT_STATUSES = ['active', 'suspended', 'pending', 'cancelled'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/**
 * A customer in document 004's words (`_id` the customer's UUID): the same Customer as every
 * document, with what 004's admin lists filter on. `account_status` (004's customer status):
 * the customer's status when registered (004 registers customers `pending`, documents 000 and
 * 002 `active`), then its service's: active when a service is activated or reactivated,
 * suspended when suspended, cancelled when terminated, until another one starts. A closed
 * customer leaves the collection (its personal data with it).
 */
export interface DotmacCustomerDoc extends Doc {
  number: number;
  customer_number: string;
  display_name: string;
  customer_type: string;
  account_status: AccountStatus;
  email: string | null;
  phone: string;
  address: { street: string; city: string | null; state: string | null; postal_code: string | null; country: string | null };
  service_address: string | null;
  portal_id: string | null;
  /** Words of name, email, phone and customer number (see projections/customers/search.ts). */
  search_tokens: string[];
  created_at: string;
  updated_at: string;
}

function fieldsOf(d: Partial<CustomerDetails>): Partial<DotmacCustomerDoc> {
  const out: Partial<DotmacCustomerDoc> = {};
  if (d.fullName !== undefined) out.display_name = d.fullName;
  if (d.email !== undefined) out.email = d.email;
  if (d.phone !== undefined) out.phone = d.phone;
  if (d.customerType !== undefined) out.customer_type = d.customerType ?? 'residential';
  if (d.address !== undefined) out.address = { street: d.address.line, city: d.address.city, state: d.address.province, postal_code: d.address.postalCode, country: d.address.country };
  if (d.serviceAddress !== undefined) out.service_address = d.serviceAddress ?? null;
  return out;
}

const tokensOf = (d: Pick<DotmacCustomerDoc, 'display_name' | 'email' | 'phone' | 'customer_number'>) => searchTokens(d.display_name, d.email, d.phone, d.customer_number);

export const dotmacCustomersProjector: Projector = {
  name: 'dotmac_customers',
  handles: [
    'CustomerRegistered',
    'CustomerUpdated',
    'CustomerClosed',
    'SubscriptionCreated',
    'SubscriptionActivated',
    'SubscriptionReactivated',
    'SubscriptionSuspended',
    'SubscriptionTerminated',
    'PortalAccountCreated',
  ],
  collections: {
    [DOTMAC_CUSTOMERS]: [
      // GET /api/v1/identity/customers: newest first, the number breaking ties, after each filter combination.
      { keys: { created_at: -1, number: -1 } },
      { keys: { customer_type: 1, created_at: -1, number: -1 } },
      { keys: { account_status: 1, created_at: -1, number: -1 } },
      { keys: { customer_type: 1, account_status: 1, created_at: -1, number: -1 } },
      { keys: { search_tokens: 1, created_at: -1, number: -1 } },
      // Analytics: customers by status.
      { keys: { account_status: 1 } },
    ],
  },
  // The search index before it was ordered by the list's sort.
  retiredIndexes: { [DOTMAC_CUSTOMERS]: ['search_tokens_1'] },
  async apply(raw, ctx) {
    const event = raw as ProjectedEvent & (CustomerEvent | SubscriptionEvent | { type: 'PortalAccountCreated'; data: { customerId: string; portalId: string } });
    const customers = ctx.collection<DotmacCustomerDoc>(DOTMAC_CUSTOMERS);
    const id = event.data.customerId;
    const at = event.metadata.timestamp;
    const status = (s: AccountStatus) => applyOnce(customers, id, event.position, { $set: { account_status: s, updated_at: at } });
    switch (event.type) {
      case 'CustomerRegistered': {
        const { customerId: _c, number, code, userId: _u, status: registered, registeredAt, ...details } = event.data;
        const fields = { service_address: null, ...fieldsOf(details), customer_number: code } as DotmacCustomerDoc;
        await applyOnce(
          customers,
          id,
          event.position,
          {
            $set: {
              ...fields,
              number,
              account_status: registered,
              portal_id: null,
              search_tokens: tokensOf(fields),
              created_at: registeredAt,
              updated_at: registeredAt,
            },
          },
          { upsert: true },
        );
        return;
      }
      case 'CustomerUpdated': {
        const fields = fieldsOf(event.data.changes);
        const set: Record<string, unknown> = { ...fields, updated_at: event.data.updatedAt };
        if ('display_name' in fields || 'email' in fields || 'phone' in fields) {
          const doc = await customers.findOne({ _id: id });
          if (doc) set.search_tokens = tokensOf({ ...doc, ...fields });
        }
        await applyOnce(customers, id, event.position, { $set: set });
        return;
      }
      case 'CustomerClosed':
        await customers.deleteOne({ _id: id });
        return;
      case 'SubscriptionCreated':
        if (!event.data.pending) await status('active');
        return;
      case 'SubscriptionActivated':
      case 'SubscriptionReactivated':
        await status('active');
        return;
      case 'SubscriptionSuspended':
        await status('suspended');
        return;
      case 'SubscriptionTerminated':
        await status('cancelled');
        return;
      case 'PortalAccountCreated':
        await applyOnce(customers, id, event.position, { $set: { portal_id: event.data.portalId } });
        return;
    }
  },
};
