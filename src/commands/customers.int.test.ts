import { randomUUID } from 'node:crypto';
import { createScryptPasswordHasher } from '../adapters/crypto/scrypt-password-hasher';
import { createMemoryEventStore } from '../adapters/event-store/memory';
import { createEventRegistry } from '../domain';
import type { CustomerDetails } from '../domain/customer';
import { DuplicateError } from '../domain/shared/errors';
import type { EventStore } from '../ports/event-store';
import { ManualClock } from '../../test/support/clock';
import { systemMeta } from './context';
import { registerCustomer } from './customers';
import { lookupUnique } from './reservations';
import { systemEvents } from './system-events';
import type { UserCommandDeps } from './users';

const details: CustomerDetails = {
  fullName: 'Budi Santoso',
  phone: '081234567890',
  email: 'Budi@Example.com',
  nationalId: null,
  address: { line: 'Jl. Merdeka 1', line2: null, block: null, unit: null, city: null, province: null, postalCode: null, country: null },
  coordinates: { lat: -6.2, lng: 106.8 },
  serviceArea: 'Jakarta Pusat',
  servicePackage: null,
  brand: null,
  installationDate: null,
  customerType: null,
};

describe('registerCustomer on the in-memory event store', () => {
  let store: EventStore;
  let failCustomerAppends: boolean;
  let deps: UserCommandDeps;
  const meta = () => systemMeta(deps.ids, 'test');

  beforeEach(() => {
    const real = createMemoryEventStore();
    failCustomerAppends = false;
    // The customer stream refuses appends while failCustomerAppends is set (a crash, a full disk).
    store = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'appendToStream') {
          return (stream: string, ...rest: unknown[]) => {
            if (failCustomerAppends && stream.startsWith('customer-')) return Promise.reject(new Error('disk full'));
            return (target.appendToStream as (...a: unknown[]) => unknown)(stream, ...rest);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
    deps = {
      eventStore: store,
      registry: createEventRegistry(systemEvents),
      clock: new ManualClock(),
      ids: { uuid: randomUUID },
      passwords: createScryptPasswordHasher({ cost: 2 ** 10 }),
    };
  });

  it('creates the login account first, linked to the customer, with the email lower-cased', async () => {
    const r = await registerCustomer(deps, { details, createLogin: true }, meta());
    expect(r.code).toBe('CUST-000001');
    expect(await lookupUnique(deps, 'user_email', 'budi@example.com')).toBe(r.userId);
    const [user] = await store.readStream(`user-${r.userId}`);
    expect(user.data).toMatchObject({ role: 'customer', customerId: r.customerId, email: 'budi@example.com' });
    const [customer] = await store.readStream(`customer-${r.customerId}`);
    expect(customer.data).toMatchObject({ userId: r.userId, email: 'budi@example.com', status: 'active' });
  });

  it('deactivates the account and frees the email when the customer cannot be written', async () => {
    failCustomerAppends = true;
    await expect(registerCustomer(deps, { details, createLogin: true }, meta())).rejects.toThrow('disk full');
    expect(await lookupUnique(deps, 'user_email', 'budi@example.com')).toBeNull();
    const users = (await store.readAll()).filter((e) => e.type === 'UserRegistered');
    expect(users).toHaveLength(1);
    const stream = await store.readStream(users[0].streamName);
    expect(stream.map((e) => e.type)).toEqual(['UserRegistered', 'UserDeactivated']);

    failCustomerAppends = false;
    const retry = await registerCustomer(deps, { details, createLogin: true }, meta());
    expect(retry.userId).not.toBe(users[0].data.userId);
  });

  it('refuses an email another user holds before writing anything for the customer', async () => {
    await registerCustomer(deps, { details, createLogin: true }, meta());
    const before = (await store.readAll()).length;
    await expect(registerCustomer(deps, { details: { ...details, email: 'BUDI@example.com' }, createLogin: true }, meta())).rejects.toThrow(
      DuplicateError,
    );
    expect((await store.readAll()).length).toBe(before);
  });

  it('registers a customer without a login account (no email needed)', async () => {
    const r = await registerCustomer(deps, { details: { ...details, email: null }, createLogin: false, status: 'pending' }, meta());
    expect(r.userId).toBeNull();
    const [customer] = await store.readStream(`customer-${r.customerId}`);
    expect(customer.data).toMatchObject({ userId: null, email: null, status: 'pending' });
  });
});
