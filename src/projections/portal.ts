import type { Projector } from './engine/projector';
import { portalAccountsProjector } from './portal-accounts/projector';
import { serviceUsageProjector } from './service-usage/projector';
import { dotmacInvoicesProjector } from './dotmac-invoices/projector';
import { portalPaymentsProjector } from './portal-payments/projector';

/** Document 004's customer portal read models. */
export const portalProjectors: readonly Projector[] = [portalAccountsProjector, serviceUsageProjector, dotmacInvoicesProjector, portalPaymentsProjector];
