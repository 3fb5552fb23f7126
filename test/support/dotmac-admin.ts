import { systemMeta } from '../../src/commands/context';
import { payInvoice } from '../../src/commands/billing/invoices';
import type { TestApp } from './test-app';

/** Fixtures of document 004's admin API tests: customers and invoices made through the admin API, payments through the billing commands. */
import { auth } from './test-app';
export { auth };

let n = 0;

/** A customer created through POST /api/v1/identity/customers; its id. */
export async function adminCustomer(t: TestApp, by: { token: string }, over: Record<string, unknown> = {}): Promise<string> {
  n++;
  const res = await t.http
    .post('/api/v1/identity/customers')
    .set(auth(by))
    .send({ customer_type: 'residential', first_name: 'Jane', last_name: `Smith ${n}`, email: `jane.${n}.${Math.floor(Math.random() * 1e9)}@example.com`, phone: '+1-555-0124', address: { street: `${n} Main St`, city: 'Anytown' }, ...over });
  if (res.status !== 201) throw new Error(`customer fixture: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.customer.id as string;
}

/** An invoice created through POST /api/v1/billing/invoices; its answer's invoice. */
export async function adminInvoice(
  t: TestApp,
  by: { token: string },
  customerId: string,
  lines: Array<Record<string, unknown>> = [{ description: 'High-Speed Internet 100Mbps', quantity: 1, unit_price: 59.99, tax_rate: 0.08 }],
  over: Record<string, unknown> = {},
): Promise<{ id: string; invoice_number: string; total: number; [k: string]: unknown }> {
  const res = await t.http.post('/api/v1/billing/invoices').set(auth(by)).send({ customer_id: customerId, due_date: '2026-02-01', line_items: lines, ...over });
  if (res.status !== 201) throw new Error(`invoice fixture: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.invoice;
}

/** A payment recorded on the invoice (minor units; default what is left), as staff record one; its id. */
export async function recordPayment(t: TestApp, invoiceId: string, amount: number | null = null): Promise<number> {
  const outcome = await payInvoice(t.app.deps.commands, Number(invoiceId), { amount, paidAt: null, method: 'credit_card' }, systemMeta(t.app.deps.commands.ids, 'test'));
  if (outcome.position !== null) await t.app.deps.sync.waitFor(outcome.position, 5000);
  return outcome.paymentId!;
}
