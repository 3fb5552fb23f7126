import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';

/**
 * A service plan (document 002 `paket_layanan`; the service catalog of document 004): a brand's
 * package with its speed and monthly price in integer minor units (rupiah) plus the currency.
 * Stream `service_plan-<id>`, the integer id from the `paket_layanan` sequence.
 */

export const SERVICE_TYPES = ['internet', 'phone', 'tv', 'bundle'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export const planDetailsSchema = z.object({
  brandId: z.string(),
  name: z.string(),
  /** Download speed in Mbps (002 `kecepatan`). */
  speedMbps: z.number().int().positive(),
  /** Monthly price in minor units (002 `harga`, rupiah). */
  price: z.number().int().nonnegative(),
  currency: z.string().length(3),
  /** The RouterOS PPPoE profile of the plan; null: the Mikrotik sync derives one from the plan. */
  pppoeProfile: z.string().nullable(),
  // Document 004's service catalog (optional: plans made through document 002 have none of them).
  /** internet, phone, tv, bundle. */
  serviceType: z.enum(SERVICE_TYPES).optional(),
  description: z.string().nullable().optional(),
  /** One-off setup fee, minor units. */
  setupFee: z.number().int().nonnegative().optional(),
  /** Upload speed in Mbps; null: not stated. */
  uploadMbps: z.number().int().positive().nullable().optional(),
  /** Monthly data allowance in GB; null: unlimited. */
  dataLimitGb: z.number().positive().nullable().optional(),
  staticIp: z.boolean().optional(),
  /** Which kinds of customer may take it. */
  availability: z.object({ residential: z.boolean(), business: z.boolean(), enterprise: z.boolean() }).optional(),
});
export type PlanDetails = z.infer<typeof planDetailsSchema>;

export const ServicePlanCreated = defineEvent(
  'ServicePlanCreated',
  planDetailsSchema.extend({ planId: z.number().int().positive(), createdAt: z.string() }),
);
export const ServicePlanUpdated = defineEvent(
  'ServicePlanUpdated',
  z.object({ planId: z.number().int().positive(), changes: planDetailsSchema.partial(), previous: planDetailsSchema.partial(), updatedAt: z.string() }),
);
/** Removed from the catalog (002 DELETE); subscriptions already on it keep it. */
export const ServicePlanArchived = defineEvent('ServicePlanArchived', z.object({ planId: z.number().int().positive(), archivedAt: z.string() }));

export const servicePlanEvents = [ServicePlanCreated, ServicePlanUpdated, ServicePlanArchived];
export type ServicePlanEvent = EventOf<typeof ServicePlanCreated> | EventOf<typeof ServicePlanUpdated> | EventOf<typeof ServicePlanArchived>;

export const servicePlanStream = (planId: number): string => `service_plan-${planId}`;
