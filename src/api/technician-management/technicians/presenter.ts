import type { PerformanceFigures } from '../../../projections/technicians/queries';
import type { TechnicianDoc } from '../../../projections/technicians/profile-projector';
import { array, boolean, dateTime, integer, nullable, number, object, string, uuid } from '../../openapi/schema';
import type { SchemaObject } from '../../openapi/types';

/**
 * A technician in document 000's shape. Beyond the documented fields it carries is_active,
 * availability_reason, availability_changed_at, created_at and updated_at (additive).
 */
export function presentTechnician(doc: TechnicianDoc, performance: PerformanceFigures) {
  return {
    id: doc.id,
    user_id: doc.user_id,
    employee_id: doc.employee_id,
    full_name: doc.full_name,
    phone: doc.phone,
    skills: doc.skills,
    service_areas: doc.service_areas,
    // A deactivated technician takes no work, whatever they last said.
    is_available: doc.is_available && doc.is_active,
    current_location: doc.current_location
      ? { lat: doc.current_location.lat, lng: doc.current_location.lng, updated_at: doc.current_location.updated_at }
      : null,
    performance: {
      total_tickets: performance.total_tickets,
      completed_tickets: performance.completed_tickets,
      average_rating: performance.average_rating,
      completion_rate: performance.completion_rate,
    },
    is_active: doc.is_active,
    availability_reason: doc.is_available ? null : doc.unavailable_reason,
    availability_changed_at: doc.availability_changed_at,
    created_at: doc.created_at,
    updated_at: doc.updated_at,
  };
}

/** The OpenAPI schemas of what presentTechnician and the performance query write. */
export const TECHNICIAN_SCHEMAS: Record<string, SchemaObject> = {
  TmsTechnician: object(
    {
      id: uuid('The technician’s user id.'),
      user_id: uuid('The same value as id.'),
      employee_id: string('EMP- and the user number padded to four digits.'),
      full_name: string(),
      phone: nullable(string()),
      skills: array(string()),
      service_areas: array(string()),
      is_available: boolean('False while deactivated, whatever they last said.'),
      current_location: nullable(object({ lat: number(), lng: number(), updated_at: dateTime() })),
      performance: object({
        total_tickets: integer(),
        completed_tickets: integer(),
        average_rating: number('1–5, 0 when no ticket was rated.'),
        completion_rate: number('Percent, 0–100.'),
      }),
      is_active: boolean(),
      availability_reason: nullable(string('Why they are unavailable.')),
      availability_changed_at: nullable(dateTime()),
      created_at: dateTime(),
      updated_at: dateTime(),
    },
    { description: 'A technician (a user whose role is technician) in document 000’s shape.' },
  ),
  TmsTechnicianPerformance: object({
    total_tickets: integer(),
    completed_tickets: integer(),
    pending_tickets: integer(),
    average_completion_time: number('Hours, two decimals.'),
    average_rating: number('1–5, two decimals; 0 when no ticket was rated.'),
    completion_rate: number('Percent, 0–100.'),
    on_time_rate: number('Percent, 0–100.'),
    first_call_resolution: number('Percent, 0–100.'),
    monthly_stats: array(object({ month: string('YYYY-MM'), completed: integer(), average_rating: number() }), 'Months with a completion, oldest first.'),
  }),
};
