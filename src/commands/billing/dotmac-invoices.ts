import { brandDecider, brandStream, normaliseBrandId } from '../../domain/brand';
import type { NewItem } from '../../domain/invoice';
import { IllegalStateError, ValidationError } from '../../domain/shared/errors';
import type { RequestMeta } from '../context';
import { loadAggregate } from '../handle-command';
import { registerBrand } from './brands';
import { businessDate, periodOf } from './dates';
import type { BillingCommandDeps } from './deps';
import { createInvoice, type CreatedInvoice } from './invoices';
import { loadOpenCustomer } from './open-customer';

/**
 * The brand a document 004 record of this customer belongs to: the customer's own (document
 * 002's `id_brand`), else BILLING_DEFAULT_BRAND, registered (simulated gateway) the first time.
 */
export async function brandFor(deps: BillingCommandDeps, customerBrand: string | null, meta: RequestMeta): Promise<string> {
  if (customerBrand) return normaliseBrandId(customerBrand);
  const brandId = normaliseBrandId(deps.billing.defaultBrand ?? 'ISP');
  const { state } = await loadAggregate(deps, brandDecider, brandStream(brandId));
  if (state.exists && !state.deleted) return brandId;
  try {
    await registerBrand(deps, { brandId, name: brandId, gateway: { provider: 'simulated' } }, meta);
  } catch (err) {
    // Registered meanwhile by another request: fine.
    if (!(err instanceof IllegalStateError)) throw err;
  }
  return brandId;
}

export interface DotmacInvoiceInput {
  customerId: string;
  /** YYYY-MM-DD. */
  dueDate: string;
  items: readonly NewItem[];
  notes: string | null;
}

/**
 * Document 004's `POST /api/v1/billing/invoices`: an invoice issued now (004 `pending`) with
 * taxed lines, for the customer's brand (or the default one), numbered from the brand's sequence
 * like every invoice, at any time (no one-per-month reservation: that is document 002's monthly
 * billing). The period is the issue month. A line naming a service instance bills that subscription.
 */
export async function createDotmacInvoice(deps: BillingCommandDeps, input: DotmacInvoiceInput, meta: RequestMeta): Promise<CreatedInvoice> {
  const customer = await loadOpenCustomer(deps, input.customerId);
  const today = businessDate(deps.clock.now(), deps.billing.timeZone);
  if (input.dueDate < today) throw new ValidationError({ due_date: ['The due date may not be before the issue date.'] });
  const brandId = await brandFor(deps, customer.details.brand, meta);
  const subscriptionId = input.items.find((i) => typeof i.serviceId === 'number')?.serviceId ?? null;
  return createInvoice(
    deps,
    {
      customerId: input.customerId,
      brandId,
      period: periodOf(today),
      issueDate: today,
      dueDate: input.dueDate,
      items: input.items,
      issue: true,
      subscriptionId,
      onePerPeriod: false,
      notes: input.notes,
    },
    meta,
  );
}
