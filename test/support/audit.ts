import type { TestApp, TestUser } from './test-app';

/** Fixtures of the audit API tests (src/api/audit/): records made through the HTTP APIs, as users make them. */

import { auth } from './test-app';
export { auth };

let customers = 0;

/** A customer through POST /api/customers (document 000); returns its id. */
export async function createCustomer(t: TestApp, by: TestUser, over: Record<string, unknown> = {}): Promise<string> {
  customers++;
  const res = await t.http
    .post('/api/customers')
    .set(auth(by))
    .send({
      full_name: `Audit Customer ${customers}`,
      email: `audit.customer.${customers}.${Date.now()}@example.com`,
      phone: `0815${String(customers).padStart(8, '0')}`,
      address: `Jl. Audit No. ${customers}`,
      coordinates: { lat: -6.2, lng: 106.8 },
      service_area: 'Jakarta Pusat',
      ...over,
    });
  if (res.status !== 201) throw new Error(`customer fixture: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.customer.id as string;
}

export const ticketBody = (customerId: string, over: Record<string, unknown> = {}) => ({
  customer_id: customerId,
  type: 'repair',
  priority: 'normal',
  title: 'Internet mati',
  description: 'Lampu LOS merah sejak pagi',
  location: { lat: -6.2, lng: 106.8 },
  ...over,
});

/** A ticket through POST /api/tickets; returns its id. */
export async function createTicket(t: TestApp, by: TestUser, customerId: string, over: Record<string, unknown> = {}): Promise<string> {
  const res = await t.http.post('/api/tickets').set(auth(by)).send(ticketBody(customerId, over));
  if (res.status !== 201) throw new Error(`ticket fixture: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.ticket.id as string;
}
