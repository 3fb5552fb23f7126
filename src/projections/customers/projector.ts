import type { Address, CustomerDetails, CustomerEvent } from '../../domain/customer';
import type { SubscriptionEvent } from '../../domain/subscription';
import type { Doc } from '../../ports/read-store';
import { applyOnce, type ProjectedEvent, type Projector } from '../engine/projector';
import { SEARCH_TOKENS, searchTokens } from './search';

export const CUSTOMERS = 'customers';

/**
 * One document per customer (`_id` = the customer's UUID), in document 000's vocabulary.
 * Other read models and APIs read it too (tickets embed `{ id, full_name, phone, address }`),
 * so these field names are a contract: see docs/api/000-users-customers.md.
 */
export interface CustomerDoc extends Doc {
  number: number;
  code: string;
  user_id: string | null;
  full_name: string;
  phone: string;
  email: string | null;
  nik: string | null;
  /** The one-line address. */
  address: string;
  address_parts: {
    line2: string | null;
    block: string | null;
    unit: string | null;
    city: string | null;
    province: string | null;
    postal_code: string | null;
    country: string | null;
  };
  coordinates: { lat: number; lng: number } | null;
  service_area: string | null;
  /** service_area folded to lower case, for the case-insensitive filter. */
  service_area_key: string | null;
  service_package: string | null;
  brand: string | null;
  installation_date: string | null;
  customer_type: string | null;
  status: string;
  /**
   * The state of the customer's service (its subscription, document 002 `langganan`): `active`,
   * `suspended` (e.g. unpaid past the grace period) or null (no current subscription). Shown
   * with the customer and on the customer's tickets, so a technician sees why a line is down.
   */
  service_status?: 'active' | 'suspended' | null;
  /** Words of name, phone, email and nik (see ./search.ts). */
  search_tokens: string[];
  /** Revision of the customer's stream last applied: the ETag. */
  revision: number;
  created_at: string;
  updated_at: string;
}

const addressParts = (a: Address): CustomerDoc['address_parts'] => ({
  line2: a.line2,
  block: a.block,
  unit: a.unit,
  city: a.city,
  province: a.province,
  postal_code: a.postalCode,
  country: a.country,
});

const areaKey = (area: string | null): string | null => (area === null ? null : area.trim().toLowerCase());

/** The document fields for (some of) a customer's canonical details. */
function fieldsOf(d: Partial<CustomerDetails>): Partial<CustomerDoc> {
  const out: Partial<CustomerDoc> = {};
  if (d.fullName !== undefined) out.full_name = d.fullName;
  if (d.phone !== undefined) out.phone = d.phone;
  if (d.email !== undefined) out.email = d.email;
  if (d.nationalId !== undefined) out.nik = d.nationalId;
  if (d.address !== undefined) {
    out.address = d.address.line;
    out.address_parts = addressParts(d.address);
  }
  if (d.coordinates !== undefined) out.coordinates = d.coordinates;
  if (d.serviceArea !== undefined) {
    out.service_area = d.serviceArea;
    out.service_area_key = areaKey(d.serviceArea);
  }
  if (d.servicePackage !== undefined) out.service_package = d.servicePackage;
  if (d.brand !== undefined) out.brand = d.brand;
  if (d.installationDate !== undefined) out.installation_date = d.installationDate;
  if (d.customerType !== undefined) out.customer_type = d.customerType;
  return out;
}

const tokensOf = (d: Pick<CustomerDoc, 'full_name' | 'phone' | 'email' | 'nik'>) =>
  searchTokens(d.full_name, d.phone, d.email, d.nik);

export const customersProjector: Projector = {
  name: 'customers',
  handles: [
    'CustomerRegistered',
    'CustomerUpdated',
    'CustomerClosed',
    // The service status (document 002 subscriptions) of the customer.
    'SubscriptionCreated',
    'SubscriptionSuspended',
    'SubscriptionReactivated',
    'SubscriptionTerminated',
    'SubscriptionActivated',
  ],
  collections: {
    [CUSTOMERS]: [
      { keys: { number: 1 }, unique: true },
      { keys: { user_id: 1 } },
      // GET /api/customers: newest first, `number` breaks ties; created_from/to is a range on
      // created_at, service_area an equality before it.
      { keys: { created_at: -1, number: -1 } },
      { keys: { service_area_key: 1, created_at: -1, number: -1 } },
      // A search, newest first: its page read from the word's entries in this order.
      { keys: { [SEARCH_TOKENS]: 1, created_at: -1, number: -1 } },
    ],
  },
  // The search index before it was ordered by the list's sort.
  retiredIndexes: { [CUSTOMERS]: [`${SEARCH_TOKENS}_1`] },
  async apply(raw, ctx) {
    const event = raw as ProjectedEvent & (CustomerEvent | SubscriptionEvent);
    const customers = ctx.collection<CustomerDoc>(CUSTOMERS);
    const id = event.data.customerId;
    switch (event.type) {
      case 'CustomerClosed':
        // A closed customer leaves every list and read, and its personal fields with it; its
        // stream stays in the log (docs/api/002-billing.md, closure and erasure).
        await customers.deleteOne({ _id: id });
        return;
      case 'SubscriptionCreated':
        // A service provisioned to start later (004) is not running yet.
        await applyOnce(customers, id, event.position, { $set: { service_status: event.data.pending ? null : 'active' } });
        return;
      case 'SubscriptionActivated':
      case 'SubscriptionReactivated':
        await applyOnce(customers, id, event.position, { $set: { service_status: 'active' } });
        return;
      case 'SubscriptionSuspended':
        await applyOnce(customers, id, event.position, { $set: { service_status: 'suspended' } });
        return;
      case 'SubscriptionTerminated':
        await applyOnce(customers, id, event.position, { $set: { service_status: null } });
        return;
      default:
        break;
    }
    if (event.type === 'CustomerRegistered') {
      const { customerId: _c, number, code, userId, status, registeredAt, ...details } = event.data;
      const fields = fieldsOf(details);
      await applyOnce(
        customers,
        id,
        event.position,
        {
          $set: {
            number,
            code,
            user_id: userId,
            ...fields,
            status,
            service_status: null,
            search_tokens: tokensOf(fields as CustomerDoc),
            revision: event.revision,
            created_at: registeredAt,
            updated_at: registeredAt,
          },
        },
        { upsert: true },
      );
      return;
    }
    if (event.type !== 'CustomerUpdated') return;
    const fields = fieldsOf(event.data.changes);
    const set: Record<string, unknown> = { ...fields, revision: event.revision, updated_at: event.data.updatedAt };
    if (['full_name', 'phone', 'email', 'nik'].some((f) => f in fields)) {
      const doc = await customers.findOne({ _id: id });
      if (doc) set.search_tokens = tokensOf({ ...doc, ...fields });
    }
    await applyOnce(customers, id, event.position, { $set: set });
  },
};
