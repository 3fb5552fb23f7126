import type { ReadStore } from '../../ports/read-store';
import { BILLING_LANGGANAN, BILLING_PELANGGAN, type LanggananDoc, type PelangganDoc } from '../billing-customers/projector';

/**
 * The customer portal's reads of document 002's read models (one domain: a portal service
 * instance IS a subscription, its plan the package): a customer's subscriptions (the index
 * `{ customer_id, status }` of the langganan collection), its pelanggan record. Plans: getPlans of billing-catalog.
 */
export function subscriptionsOfCustomer(readStore: ReadStore, customerId: string, statuses?: readonly string[]): Promise<LanggananDoc[]> {
  const filter = statuses ? { customer_id: customerId, status: statuses.length === 1 ? statuses[0] : { $in: [...statuses] } } : { customer_id: customerId };
  return readStore.collection<LanggananDoc>(BILLING_LANGGANAN).find(filter, { sort: { id: -1 } });
}

/** One subscription, only if it is the customer's (else null: another customer's id names nothing). */
export async function subscriptionOfCustomer(readStore: ReadStore, customerId: string, subscriptionId: number): Promise<LanggananDoc | null> {
  const doc = await readStore.collection<LanggananDoc>(BILLING_LANGGANAN).findOne({ _id: String(subscriptionId) });
  return doc && doc.customer_id === customerId ? doc : null;
}

export function pelangganOfCustomer(readStore: ReadStore, customerId: string): Promise<PelangganDoc | null> {
  return readStore.collection<PelangganDoc>(BILLING_PELANGGAN).findOne({ _id: customerId });
}
