import type { Filter, ReadStore } from '../../ports/read-store';
import { BILLING_PLANS, type PlanDoc } from '../billing-catalog/projector';
import { BILLING_LANGGANAN, type LanggananDoc } from '../billing-customers/projector';
import { pageWithTotal } from '../engine/page';

/**
 * Document 004's service catalog and service instances are document 002's packages and
 * subscriptions (one domain): these read the billing read models, on indexes their projectors
 * declare (billing-catalog: `{ service_type, id }`; billing-customers: `{ customer_id, id }`,
 * `{ paket_layanan_id, id }`, `{ status, id }`).
 */
export async function listCatalog(readStore: ReadStore, q: { serviceType?: string; skip: number; limit: number }): Promise<{ items: PlanDoc[]; total: number }> {
  const filter: Filter = q.serviceType ? (q.serviceType === 'internet' ? { $or: [{ service_type: 'internet' }, { service_type: { $exists: false } }] } : { service_type: q.serviceType }) : {};
  const col = readStore.collection<PlanDoc>(BILLING_PLANS);
  return pageWithTotal(col, filter, { sort: { id: -1 }, skip: q.skip, limit: q.limit });
}

export async function listInstances(
  readStore: ReadStore,
  q: { customerId?: string; status?: string; planId?: number; skip: number; limit: number },
): Promise<{ items: LanggananDoc[]; total: number }> {
  const filter: Filter = {};
  if (q.customerId) filter.customer_id = q.customerId;
  if (q.planId !== undefined) filter.paket_layanan_id = q.planId;
  if (q.status) filter.status = q.status;
  const col = readStore.collection<LanggananDoc>(BILLING_LANGGANAN);
  return pageWithTotal(col, filter, { sort: { id: -1 }, skip: q.skip, limit: q.limit });
}
