import type { PerformanceFigures } from '../../../projections/technicians/queries';
import type { TechnicianDoc } from '../../../projections/technicians/profile-projector';

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
