import type { Projector } from './engine/projector';
import { dotmacAnalyticsProjector } from './dotmac-analytics/projector';
import { dotmacBillingProjector } from './dotmac-billing/projector';
import { dotmacCustomersProjector } from './dotmac-customers/projector';
import { dotmacTicketsProjector } from './dotmac-tickets/projector';
import { knowledgeBaseProjector } from './knowledge-base/projector';
import { webhooksProjector } from './webhooks/projector';

/** Document 004's admin read models: its views of customers, invoices, tickets, the knowledge base, analytics counters; webhooks and their delivery log. */
export const dotmacAdminProjectors: readonly Projector[] = [webhooksProjector, dotmacCustomersProjector, dotmacBillingProjector, dotmacTicketsProjector, knowledgeBaseProjector, dotmacAnalyticsProjector];
