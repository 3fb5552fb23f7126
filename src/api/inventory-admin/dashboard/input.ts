import { z } from 'zod';
import { queryId } from '../envelope';

/** `?branchId=5` (optional) on the KPIs and the charts. */
export const dashboardQuery = z.object({ branchId: queryId('branch id').optional() });

/** How many activity entries the KPIs show. */
export const ACTIVITY_LOG_LENGTH = 20;
