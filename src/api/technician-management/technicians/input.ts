import { z } from 'zod';
import { LIMITS } from '../../../domain/technician';
import { pageQuery, queryBoolean } from '../envelope';

/** GET /api/technicians: page, limit, is_available, service_area, skills (comma-separated). */
export const listQuery = pageQuery.extend({
  is_available: queryBoolean.optional(),
  service_area: z.string().trim().max(LIMITS.entryLength, `service_area may not be longer than ${LIMITS.entryLength} characters`).optional(),
  skills: z
    .string()
    .max(2000, 'skills is too long')
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
});

const coordinate = (name: string, min: number, max: number) =>
  z
    .number({ error: `The ${name} must be a number.` })
    .min(min, `The ${name} must be between ${min} and ${max}.`)
    .max(max, `The ${name} must be between ${min} and ${max}.`);

/** PUT /api/technicians/:id/location */
export const locationBody = z.object({
  lat: coordinate('lat', -90, 90),
  lng: coordinate('lng', -180, 180),
});

/** PUT /api/technicians/:id/availability: the reason is required when is_available is false (checked by the domain). */
export const availabilityBody = z.object({
  is_available: z.boolean({ error: 'The is available field must be true or false.' }),
  reason: z.string({ error: 'The reason must be a string.' }).nullable().optional(),
});

const list = (name: string) =>
  z.array(z.string({ error: `Each ${name} entry must be a string.` }), { error: `The ${name} must be an array of strings.` });

/** PUT /api/technicians/:id (extension): replaces the lists given; at least one is required. */
export const skillsBody = z
  .object({ skills: list('skills').optional(), service_areas: list('service areas').optional() })
  .superRefine((b, ctx) => {
    if (b.skills === undefined && b.service_areas === undefined) {
      ctx.addIssue({ code: 'custom', path: ['skills'], message: 'The skills field is required when service areas is not present.' });
    }
  });
