import type { CustomerState } from '../../domain/customer';
import { closeCustomer } from '../customers';
import type { RequestMeta } from '../context';
import type { CommandResult } from '../handle-command';
import type { BillingCommandDeps } from './deps';
import { loadOpenCustomer } from './open-customer';
import { terminateSubscription } from './subscriptions';

/**
 * Document 002 DELETE /api/pelanggan/{id}: the customer's subscriptions end (the RouterOS sync
 * reacts to SubscriptionTerminated), then the customer is closed (see closeCustomer: it leaves
 * every read model, its personal fields with it). Invoices and payments stay: they are the
 * business's records. `subscriptionIds`: the customer's current ones, from the read model.
 */
export async function closePelanggan(
  deps: BillingCommandDeps,
  customerId: string,
  subscriptionIds: readonly number[],
  meta: RequestMeta,
): Promise<CommandResult<CustomerState>> {
  await loadOpenCustomer(deps, customerId);
  let last: number | null = null;
  for (const id of subscriptionIds) {
    const r = await terminateSubscription(deps, id, 'customer closed', meta);
    if (r.position !== null) last = r.position;
  }
  const result = await closeCustomer(deps, customerId, { reason: 'closed through document 002 (DELETE /api/pelanggan)' }, meta);
  return { ...result, position: result.position ?? last };
}
