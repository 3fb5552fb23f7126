import { deciderSpec } from '../../../test/support/decider-spec';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors';
import { customerDecider, type CustomerCommand } from './decider';
import type { CustomerDetails, CustomerEvent } from './events';

const spec = deciderSpec(customerDecider);
const now = '2026-03-01T10:00:00.000Z';
const later = '2026-03-02T10:00:00.000Z';

const details: CustomerDetails = {
  fullName: 'Budi Santoso',
  phone: '081234567890',
  email: 'budi@example.com',
  nationalId: '3171234567890001',
  address: {
    line: 'Jl. Merdeka No. 1',
    line2: 'RT 01/RW 02',
    block: 'A',
    unit: '12',
    city: 'Jakarta',
    province: 'DKI Jakarta',
    postalCode: '10110',
    country: null,
  },
  coordinates: { lat: -6.2, lng: 106.816666 },
  serviceArea: 'Jakarta Pusat',
  servicePackage: 'Home 50 Mbps',
  brand: 'JAKINET',
  installationDate: '2026-02-28',
  customerType: 'residential',
};

const register: CustomerCommand = {
  type: 'RegisterCustomer',
  customerId: 'c1',
  number: 7,
  code: 'CUST-000007',
  userId: 'u1',
  status: 'active',
  details,
  now,
};

const registered: CustomerEvent = {
  type: 'CustomerRegistered',
  data: { customerId: 'c1', number: 7, code: 'CUST-000007', userId: 'u1', status: 'active', ...details, registeredAt: now },
};

const fieldsOf = (e: ValidationError) => Object.keys(e.fields).sort();

describe('Customer decider', () => {
  describe('RegisterCustomer', () => {
    it('registers a customer with every canonical field', () => {
      spec.given([]).when(register).then([registered]);
    });

    it('registers a customer without a login account or optional details', () => {
      const minimal: CustomerDetails = {
        ...details,
        email: null,
        nationalId: null,
        coordinates: null,
        serviceArea: null,
        servicePackage: null,
        brand: null,
        installationDate: null,
        customerType: null,
        address: { ...details.address, line2: null, block: null, unit: null, city: null, province: null, postalCode: null },
      };
      spec
        .given([])
        .when({ ...register, userId: null, status: 'pending', details: minimal })
        .then([
          {
            type: 'CustomerRegistered',
            data: { customerId: 'c1', number: 7, code: 'CUST-000007', userId: null, status: 'pending', ...minimal, registeredAt: now },
          },
        ]);
    });

    it('refuses to register the same customer twice', () => {
      spec.given([registered]).when(register).thenThrows(IllegalStateError);
    });

    it('refuses blank names, phones and addresses, field by field', () => {
      spec
        .given([])
        .when({ ...register, details: { ...details, fullName: '  ', phone: '', address: { ...details.address, line: ' ' } } })
        .thenThrows(ValidationError, (e) => expect(fieldsOf(e)).toEqual(['address', 'fullName', 'phone']));
    });

    it.each([
      [{ lat: 90.0001, lng: 0 }, ['coordinates.lat']],
      [{ lat: -90.5, lng: 0 }, ['coordinates.lat']],
      [{ lat: 0, lng: 180.01 }, ['coordinates.lng']],
      [{ lat: 0, lng: -181 }, ['coordinates.lng']],
      [{ lat: 100, lng: 200 }, ['coordinates.lat', 'coordinates.lng']],
      [{ lat: Number.NaN, lng: 0 }, ['coordinates.lat']],
    ])('refuses coordinates out of range: %j', (coordinates, fields) => {
      spec
        .given([])
        .when({ ...register, details: { ...details, coordinates } })
        .thenThrows(ValidationError, (e) => expect(fieldsOf(e)).toEqual(fields));
    });

    it('accepts coordinates on the edges of the range', () => {
      const edge = { ...details, coordinates: { lat: -90, lng: 180 } };
      spec
        .given([])
        .when({ ...register, details: edge })
        .then([{ type: 'CustomerRegistered', data: { ...registered.data, coordinates: { lat: -90, lng: 180 } } } as CustomerEvent]);
    });

    it.each(['2026-02-30', '2026-13-01', '15-01-2026', '2025-02-29'])('refuses the installation date %s', (installationDate) => {
      spec
        .given([])
        .when({ ...register, details: { ...details, installationDate } })
        .thenThrows(ValidationError, (e) => expect(fieldsOf(e)).toEqual(['installationDate']));
    });

    it('accepts a leap day as installation date', () => {
      spec
        .given([])
        .when({ ...register, details: { ...details, installationDate: '2024-02-29' } })
        .then([{ type: 'CustomerRegistered', data: { ...registered.data, installationDate: '2024-02-29' } } as CustomerEvent]);
    });
  });

  describe('UpdateCustomer', () => {
    it('records only the changed fields with their previous values', () => {
      spec
        .given([registered])
        .when({ type: 'UpdateCustomer', changes: { fullName: 'Budi S.', phone: details.phone, serviceArea: 'Depok' }, now: later })
        .then([
          {
            type: 'CustomerUpdated',
            data: {
              customerId: 'c1',
              changes: { fullName: 'Budi S.', serviceArea: 'Depok' },
              previous: { fullName: 'Budi Santoso', serviceArea: 'Jakarta Pusat' },
              updatedAt: later,
            },
          },
        ]);
    });

    it('merges address parts and records the whole address before and after', () => {
      spec
        .given([registered])
        .when({ type: 'UpdateCustomer', changes: { address: { line: 'Jl. Sudirman 5', unit: undefined } }, now: later })
        .then([
          {
            type: 'CustomerUpdated',
            data: {
              customerId: 'c1',
              changes: { address: { ...details.address, line: 'Jl. Sudirman 5' } },
              previous: { address: details.address },
              updatedAt: later,
            },
          },
        ]);
    });

    it('clears optional fields with null', () => {
      spec
        .given([registered])
        .when({ type: 'UpdateCustomer', changes: { nationalId: null, coordinates: null }, now: later })
        .then([
          {
            type: 'CustomerUpdated',
            data: {
              customerId: 'c1',
              changes: { nationalId: null, coordinates: null },
              previous: { nationalId: details.nationalId, coordinates: details.coordinates },
              updatedAt: later,
            },
          },
        ]);
    });

    it('changes nothing when every value is the current one (or undefined)', () => {
      spec
        .given([registered])
        .when({
          type: 'UpdateCustomer',
          changes: { fullName: details.fullName, coordinates: { lat: -6.2, lng: 106.816666 }, address: { city: 'Jakarta' }, brand: undefined },
          now: later,
        })
        .thenNothing();
    });

    it('applies earlier updates before deciding', () => {
      const updated: CustomerEvent = {
        type: 'CustomerUpdated',
        data: { customerId: 'c1', changes: { phone: '0899' }, previous: { phone: details.phone }, updatedAt: later },
      };
      spec.given([registered, updated]).when({ type: 'UpdateCustomer', changes: { phone: '0899' }, now: later }).thenNothing();
      spec
        .given([registered, updated])
        .when({ type: 'UpdateCustomer', changes: { phone: details.phone }, now: later })
        .then([
          {
            type: 'CustomerUpdated',
            data: { customerId: 'c1', changes: { phone: details.phone }, previous: { phone: '0899' }, updatedAt: later },
          },
        ]);
    });

    it('refuses an update that breaks an invariant', () => {
      spec
        .given([registered])
        .when({ type: 'UpdateCustomer', changes: { coordinates: { lat: 91, lng: 0 }, fullName: '' }, now: later })
        .thenThrows(ValidationError, (e) => expect(fieldsOf(e)).toEqual(['coordinates.lat', 'fullName']));
      spec
        .given([registered])
        .when({ type: 'UpdateCustomer', changes: { address: { line: '' } }, now: later })
        .thenThrows(ValidationError, (e) => expect(fieldsOf(e)).toEqual(['address']));
    });

    it('answers NotFound for a customer that does not exist', () => {
      spec.given([]).when({ type: 'UpdateCustomer', changes: { fullName: 'X' }, now }).thenThrows(NotFoundError);
    });
  });
});
