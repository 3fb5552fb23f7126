import { z } from 'zod';
import { SORTABLE_FIELDS } from '../../projections/service-requests/queries';

/** The Field Mapping aliases accepted on input: the first one present wins. */
const ALIASES: Record<string, readonly string[]> = {
  device_type: ['device_type', 'device'],
  brand: ['brand', 'device_brand'],
  model: ['model', 'device_model'],
  serial_number: ['serial_number', 'sn'],
  service_type: ['service_type', 'service'],
  description: ['description', 'issue_description'],
};

export function canonicalFields(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, names] of Object.entries(ALIASES)) {
    const hit = names.map((n) => body[n]).find((v) => v !== undefined && v !== null && v !== '');
    out[field] = hit ?? body[field];
  }
  return out;
}

const required = (label: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, `The ${label} field is required.`)
    .max(max, `The ${label} may not be greater than ${max} characters.`);
const optional = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `The ${label} may not be greater than ${max} characters.`)
    .optional()
    .transform((v) => (v ? v : null));

export const createServiceRequestBody = z.object({
  device_type: required('device type', 100),
  brand: optional('brand', 100),
  model: optional('model', 100),
  serial_number: required('serial number', 100),
  service_type: required('service type', 100),
  description: required('description', 5000),
});

const page = (label: string, max: number) =>
  z.coerce
    .number({ error: `The ${label} must be an integer.` })
    .int(`The ${label} must be an integer.`)
    .min(1, `The ${label} must be at least 1.`)
    .max(max, `The ${label} may not be greater than ${max}.`);

export const listQuery = z.object({
  page: page('page', 1_000_000).default(1),
  per_page: page('per page', 100).optional(),
  limit: page('limit', 100).optional(),
  sort: z.enum(SORTABLE_FIELDS, { error: `The sort must be one of: ${SORTABLE_FIELDS.join(', ')}.` }).default('created_at'),
  order: z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(['asc', 'desc'], { error: 'The order must be asc or desc.' }))
    .default('desc'),
  status: z.string().trim().max(50).optional(),
  search: z.string().trim().max(200).optional(),
});

const note = z.string().trim().max(2000, 'The note may not be greater than 2000 characters.').optional();
export const transitionBodies = {
  approve: z.object({ note }),
  reject: z.object({
    reason: z.string().trim().min(1, 'The reason field is required.').max(2000, 'The reason may not be greater than 2000 characters.'),
  }),
  start: z.object({ note }),
  complete: z.object({ note }),
  cancel: z.object({ reason: z.string().trim().max(2000).optional() }),
};
