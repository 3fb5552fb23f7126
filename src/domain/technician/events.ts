import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';

/**
 * The technician profile (document 000 "Technician Management"): the extras a user with role
 * `technician` carries beside the user aggregate, in stream `technician-<userId>`. The
 * technician's id is the user id. Name and phone stay on the user; these events hold only what
 * is the technician's own: where they are, whether they take work, what they can do and where.
 */

export const TechnicianLocationUpdated = defineEvent(
  'TechnicianLocationUpdated',
  z.object({
    technicianId: z.string(),
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
    updatedAt: z.string(),
  }),
);

export const TechnicianAvailabilityChanged = defineEvent(
  'TechnicianAvailabilityChanged',
  z.object({
    technicianId: z.string(),
    isAvailable: z.boolean(),
    /** Why the technician stopped taking work; always given when isAvailable is false, null otherwise. */
    reason: z.string().nullable(),
    changedAt: z.string(),
  }),
);

export const TechnicianSkillsUpdated = defineEvent(
  'TechnicianSkillsUpdated',
  z.object({
    technicianId: z.string(),
    /** The complete lists after the update (not a diff). */
    skills: z.array(z.string()),
    serviceAreas: z.array(z.string()),
    updatedAt: z.string(),
  }),
);

export const technicianEvents = [TechnicianLocationUpdated, TechnicianAvailabilityChanged, TechnicianSkillsUpdated];

export type TechnicianEvent =
  | EventOf<typeof TechnicianLocationUpdated>
  | EventOf<typeof TechnicianAvailabilityChanged>
  | EventOf<typeof TechnicianSkillsUpdated>;

export const TECHNICIAN_EVENT_TYPES: readonly TechnicianEvent['type'][] = technicianEvents.map((d) => d.type);

export const technicianStream = (technicianId: string): string => `technician-${technicianId}`;
