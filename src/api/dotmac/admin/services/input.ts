import { z } from 'zod';
import { SERVICE_TYPES } from '../../../../domain/service-plan';
import { calendarDate, numericId, pageQuery } from '../../envelope';

export const catalogQuery = pageQuery.extend({
  service_type: z.enum(SERVICE_TYPES, { error: () => `must be one of: ${SERVICE_TYPES.join(', ')}` }).optional(),
});

const speed = (field: string) => z.number({ error: `The ${field} must be a whole number of Mbps.` }).int(`The ${field} must be a whole number of Mbps.`).positive(`The ${field} must be above 0.`).max(1_000_000);

/** POST /api/v1/services/catalog: money in the billing currency's major unit. */
export const catalogBody = z.object({
  name: z.string({ error: 'The name is required.' }).trim().min(1, 'The name is required.').max(200),
  service_type: z.enum(SERVICE_TYPES, { error: () => `The service type must be one of: ${SERVICE_TYPES.join(', ')}.` }).default('internet'),
  description: z.string().trim().max(2000).nullable().optional(),
  monthly_price: z.number({ error: 'The monthly price must be a number.' }).min(0, 'The monthly price must be 0 or more.').max(1e13),
  setup_fee: z.number({ error: 'The setup fee must be a number.' }).min(0, 'The setup fee must be 0 or more.').max(1e13).default(0),
  features: z.object({
    download_speed: speed('download speed'),
    upload_speed: speed('upload speed').nullable().optional(),
    data_limit: z.number().positive('The data limit must be above 0 GB (null: unlimited).').max(1e9).nullable().optional(),
    static_ip: z.boolean().default(false),
  }),
  availability: z
    .object({ residential: z.boolean().default(true), business: z.boolean().default(true), enterprise: z.boolean().default(true) })
    .default({ residential: true, business: true, enterprise: true }),
  brand_id: z.string().trim().max(32).optional().describe('Document 002 brand the package belongs to; default BILLING_DEFAULT_BRAND.'),
  pppoe_profile: z.string().trim().max(64).nullable().optional(),
});

export const INSTANCE_STATUSES = ['active', 'suspended', 'pending', 'terminated'] as const;

export const instancesQuery = pageQuery.extend({
  customer_id: z.uuid({ error: 'must be a customer id' }).optional(),
  service_id: numericId.optional(),
  status: z.enum(INSTANCE_STATUSES, { error: () => `must be one of: ${INSTANCE_STATUSES.join(', ')}` }).optional(),
});

const configurationValue = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);

/** POST /api/v1/services/instances. */
export const provisionBody = z.object({
  customer_id: z.uuid({ error: 'The customer_id must be a customer id.' }),
  service_id: numericId,
  installation_date: calendarDate,
  configuration: z.record(z.string().max(100), configurationValue).refine((c) => Object.keys(c).length <= 50, 'At most 50 configuration entries.').default({}),
  notes: z.string().trim().max(2000).nullable().optional(),
  payment_method: z.string().trim().min(1).max(50).default('Manual').describe("Document 002's metode_pembayaran (Manual, Otomatis)."),
});

export const instanceParams = z.object({ instance_id: numericId });

/** The status asked for: the document's target statuses, or the actions named. */
const TARGETS = { active: 'active', activate: 'active', suspended: 'suspended', suspend: 'suspended', terminated: 'terminated', terminate: 'terminated' } as const;

export const statusBody = z.object({
  status: z.enum(Object.keys(TARGETS) as [keyof typeof TARGETS, ...Array<keyof typeof TARGETS>], { error: () => 'The status must be active, suspended or terminated.' }).transform((s) => TARGETS[s]),
  reason: z.string({ error: 'The reason is required.' }).trim().min(1, 'The reason is required.').max(500),
  notes: z.string().trim().max(2000).nullable().optional(),
  effective_date: z.iso.datetime({ offset: true, error: 'The effective date must be an ISO-8601 date-time.' }).optional(),
});
