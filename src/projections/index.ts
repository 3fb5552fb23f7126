import type { Projector } from './engine/projector';
import { authSessionsProjector } from './auth-sessions/projector';
import { serviceRequestsProjector } from './service-requests/projector';
import { usersProjector } from './users/projector';
import { customersProjector } from './customers/projector';
import { technicianPerformanceProjector, technicianProfileProjector } from './technicians';
import { ticketsProjector } from './tickets/projector';
import { mobileSyncProjector, notificationsProjector } from './notifications';
import { reportsProjector } from './reports/projector';
import { mikrotikProjectors } from './mikrotik';
import { inventoryProjectors } from './inventory';
import { billingProjectors } from './billing';
import { dotmacAdminProjectors } from './dotmac-admin';
import { auditIndexProjector } from './audit/projector';
import { portalProjectors } from './portal';

/** Every projector the product runs. */
export const allProjectors: readonly Projector[] = [usersProjector, authSessionsProjector, serviceRequestsProjector, technicianProfileProjector, technicianPerformanceProjector, customersProjector, ticketsProjector, reportsProjector, notificationsProjector, mobileSyncProjector, ...mikrotikProjectors, ...inventoryProjectors, ...billingProjectors, auditIndexProjector, ...dotmacAdminProjectors, ...portalProjectors];
