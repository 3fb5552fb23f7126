import { CUSTOMER_STATUSES, CUSTOMER_TYPES } from '../../../domain/customer';
import type { CustomerDoc } from '../../../projections/customers/projector';
import { date, dateTime, integer, nullable, number, object, oneOfValues, string, uuid } from '../../openapi/schema';
import type { SchemaObject } from '../../openapi/types';

/**
 * Document 000's customer (`id, user_id, full_name, phone, nik, address, coordinates,
 * service_area, created_at`), plus the canonical fields other documents share.
 */
export function presentCustomer(doc: CustomerDoc) {
  return {
    id: doc._id,
    user_id: doc.user_id,
    code: doc.code,
    number: doc.number,
    full_name: doc.full_name,
    phone: doc.phone,
    email: doc.email,
    nik: doc.nik,
    address: doc.address,
    address_parts: doc.address_parts,
    coordinates: doc.coordinates,
    service_area: doc.service_area,
    service_package: doc.service_package,
    brand: doc.brand,
    installation_date: doc.installation_date,
    customer_type: doc.customer_type,
    status: doc.status,
    service_status: doc.service_status ?? null,
    created_at: doc.created_at,
    updated_at: doc.updated_at,
  };
}

const nullableString = () => nullable(string());

/** The OpenAPI schema of what presentCustomer writes. */
export const CUSTOMER_SCHEMAS: Record<string, SchemaObject> = {
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
