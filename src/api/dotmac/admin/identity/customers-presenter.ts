import type { DotmacCustomerDoc } from '../../../../projections/dotmac-customers/projector';
import { isoSeconds } from '../../envelope';

/** A customer in document 004's words (the shape of its "Create new customer" answer, with the address and Portal ID). */
export function presentCustomer(doc: DotmacCustomerDoc) {
  return {
    id: doc._id,
    customer_number: doc.customer_number,
    display_name: doc.display_name,
    customer_type: doc.customer_type,
    account_status: doc.account_status,
    email: doc.email,
    phone: doc.phone,
    address: doc.address,
    service_address: doc.service_address,
    portal_id: doc.portal_id,
    created_at: isoSeconds(doc.created_at),
  };
}
