import type { Projector } from './engine/projector';
import { activityLogsProjector } from './activity-logs/projector';
import { billingCatalogProjector } from './billing-catalog/projector';
import { billingCustomersProjector } from './billing-customers/projector';
import { billingInvoicesProjector } from './billing-invoices/projector';

/** The read models of FTTH billing (document 002): catalog, customers and service, invoices and payments, activity log. */
export const billingProjectors: readonly Projector[] = [billingCatalogProjector, billingCustomersProjector, billingInvoicesProjector, activityLogsProjector];
