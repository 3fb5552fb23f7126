import { CUSTOMER_STATUSES, CUSTOMER_TYPES } from '../../../domain/customer';
import { createCustomerBody, listCustomersQuery, updateCustomerBody } from '../../technician-management/customers/input';
import { CUSTOMER_PERMISSIONS as P } from '../../technician-management/customers/permissions';
import { operation, type Area } from '../builder';
import { pagination } from '../components';
import { array, date, dateTime, fromZod, integer, nullable, number, object, oneOfValues, queryParameters, ref, string, uuid } from '../schema';
import { TAGS, tms, uuidPathParam } from '../../technician-management/openapi';

/** Document 000 customer management (src/api/technician-management/customers/); shape from presenter.ts. */

const nullableString = () => nullable(string());

const schemas = {
  TmsCustomer: object(
    {
      id: uuid(),
      user_id: nullable(uuid('The customer’s login account.')),
      code: string(),
      number: integer(),
      full_name: string(),
      phone: string(),
      email: nullableString(),
      nik: nullable(string('Indonesian NIK, 16 digits.')),
      address: string('The one-line address.'),
      address_parts: object({
        line2: nullableString(),
        block: nullableString(),
        unit: nullableString(),
        city: nullableString(),
        province: nullableString(),
        postal_code: nullableString(),
        country: nullableString(),
      }),
      coordinates: nullable(object({ lat: number(), lng: number() })),
      service_area: nullableString(),
      service_package: nullableString(),
      brand: nullableString(),
      installation_date: nullable(date()),
      customer_type: nullable(oneOfValues(CUSTOMER_TYPES)),
      status: oneOfValues(CUSTOMER_STATUSES),
      service_status: nullable(oneOfValues(['active', 'suspended'], 'The state of the customer’s subscription (document 002): suspended when unpaid past the grace period; null without a current subscription.')),
      created_at: dateTime(),
      updated_at: dateTime(),
    },
    { description: 'Document 000’s customer, plus the canonical fields the other documents share.' },
  ),
};

export function customersArea(): Area {
  const base = { ...tms, tag: TAGS.customers };
  const id = uuidPathParam('customer');
  const customer = object({ customer: ref('TmsCustomer') });
  return {
    tag: { name: TAGS.customers, description: 'Document 000, customer management (docs/api/000-users-customers.md).' },
    schemas,
    operations: [
      operation({
        ...base,
        method: 'get',
        path: '/api/customers',
        operationId: 'customerList',
        summary: 'List customers',
        description: 'Newest first.',
        query: queryParameters(listCustomersQuery, {
          search: 'Words of the name, phone, email or NIK.',
          service_area: 'Case-insensitive.',
          created_from: 'A date (YYYY-MM-DD, the whole UTC day) or an ISO-8601 date-time; inclusive.',
          created_to: 'A date (YYYY-MM-DD, the whole UTC day) or an ISO-8601 date-time; inclusive; not before created_from.',
        }),
        success: [{ status: 200, description: 'A page of customers.', schema: object({ customers: array(ref('TmsCustomer')), pagination }) }],
        statuses: [403],
        roles: P.list,
      }),
      operation({
        ...base,
        method: 'post',
        path: '/api/customers',
        operationId: 'customerCreate',
        summary: 'Register a customer (and their login account)',
        description: 'The email is unique across all users (409 DUPLICATE_ENTRY).',
        idempotencyKey: true,
        body: { required: true, json: fromZod(createCustomerBody) },
        success: [{ status: 201, description: 'Registered.', schema: customer, headers: ['ETag', 'Location'] }],
        statuses: [403, 409],
        roles: P.create,
      }),
      operation({
        ...base,
        method: 'get',
        path: '/api/customers/{id}',
        operationId: 'customerGet',
        summary: 'A customer',
        pathParams: id,
        success: [{ status: 200, description: 'The customer.', schema: customer, headers: ['ETag'] }],
        statuses: [403, 404],
        roles: P.view,
        rolesNote: 'a customer: their own record',
      }),
      operation({
        ...base,
        method: 'put',
        path: '/api/customers/{id}',
        operationId: 'customerUpdate',
        summary: 'Update a customer (partial)',
        description: 'Null or "" clears an optional field; required fields may not be cleared.',
        pathParams: id,
        ifMatch: true,
        body: { required: true, json: fromZod(updateCustomerBody) },
        success: [{ status: 200, description: 'The customer after the change.', schema: customer, headers: ['ETag'] }],
        statuses: [403, 404, 409],
        roles: P.update,
      }),
    ],
  };
}
