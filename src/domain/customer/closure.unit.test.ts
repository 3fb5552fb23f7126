import { deciderSpec } from '../../../test/support/decider-spec';
import { IllegalStateError, NotFoundError } from '../shared/errors';
import { customerDecider } from './decider';
import type { CustomerDetails, CustomerEvent } from './events';

/** Closing a customer (document 002 DELETE /api/pelanggan/{id}): a recorded closure, not an erasure of history. */

const spec = deciderSpec(customerDecider);
const now = '2026-03-01T10:00:00.000Z';

const details: CustomerDetails = {
  fullName: 'Siti Aminah',
  phone: '081200000001',
  email: 'siti@example.com',
  nationalId: '3171000000000001',
  address: { line: 'Jl. Kenanga 3', line2: null, block: null, unit: null, city: null, province: null, postalCode: null, country: null },
  coordinates: null,
  serviceArea: null,
  servicePackage: null,
  brand: 'JAKINET',
  installationDate: null,
  customerType: null,
};

const registered: CustomerEvent = {
  type: 'CustomerRegistered',
  data: { customerId: 'c1', number: 12, code: 'CUST-000012', userId: 'u1', status: 'active', ...details, registeredAt: now },
};
const closed: CustomerEvent = {
  type: 'CustomerClosed',
  data: { customerId: 'c1', number: 12, userId: 'u1', reason: 'moved away', closedAt: now },
};

describe('Customer decider: closure', () => {
  it('records the closure with the customer number and its login account', () => {
    spec.given([registered]).when({ type: 'CloseCustomer', reason: 'moved away', now }).then([closed]);
  });

  it('closing twice records nothing more', () => {
    spec.given([registered, closed]).when({ type: 'CloseCustomer', reason: null, now }).thenNothing();
  });

  it('a customer that never existed cannot be closed', () => {
    spec.given([]).when({ type: 'CloseCustomer', reason: null, now }).thenThrows(NotFoundError);
  });

  it('a closed customer can no longer be updated, nor registered again under the same id', () => {
    spec.given([registered, closed]).when({ type: 'UpdateCustomer', changes: { fullName: 'X' }, now }).thenThrows(NotFoundError);
    spec
      .given([registered, closed])
      .when({ type: 'RegisterCustomer', customerId: 'c1', number: 12, code: 'CUST-000012', userId: null, status: 'active', details, now })
      .thenThrows(IllegalStateError);
  });

  it('the closed state is cancelled and remembers that it is closed', () => {
    const state = [registered, closed].reduce(customerDecider.evolve, customerDecider.initialState());
    expect(state).toMatchObject({ exists: true, closed: true, status: 'cancelled', number: 12 });
  });
});
