import { customerDecider, customerStream, type CustomerState } from '../../domain/customer';
import { NotFoundError } from '../../domain/shared/errors';
import { loadAggregate } from '../handle-command';
import type { BillingCommandDeps } from './deps';

/** A customer as the log has it; NotFoundError when unknown or closed. */
export async function loadOpenCustomer(deps: Pick<BillingCommandDeps, 'eventStore' | 'registry'>, customerId: string): Promise<CustomerState> {
  const { state } = await loadAggregate(deps, customerDecider, customerStream(customerId));
  if (!state.exists || state.closed) throw new NotFoundError('Customer', customerId);
  return state;
}
