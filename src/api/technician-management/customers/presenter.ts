import type { CustomerDoc } from '../../../projections/customers/projector';

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
