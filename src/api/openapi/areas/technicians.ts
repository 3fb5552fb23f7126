import { availabilityBody, listQuery, locationBody, skillsBody } from '../../technician-management/technicians/input';
import { TECHNICIAN_PERMISSIONS as P } from '../../technician-management/technicians/permissions';
import { operation, type Area } from '../builder';
import { pagination } from '../components';
import { array, boolean, dateTime, fromZod, integer, nullable, number, object, queryParameters, ref, string, uuid } from '../schema';
import { TAGS, tms, uuidPathParam } from '../../technician-management/openapi';

/** Document 000 technician management (src/api/technician-management/technicians/); shape from presenter.ts. */

const schemas = {
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

export function techniciansArea(): Area {
  const base = { ...tms, tag: TAGS.technicians };
  const id = uuidPathParam('technician (user)');
  const technician = object({ technician: ref('TmsTechnician') });
  const write = { pathParams: id, ifMatch: true, statuses: [403, 404, 409] };
  return {
    tag: {
      name: TAGS.technicians,
      description: 'Document 000, technicians: location, availability, skills and performance (docs/api/000-technicians.md). The tickets of a technician are under 000 · Tickets.',
    },
    schemas,
    operations: [
      operation({
        ...base,
        method: 'get',
        path: '/api/technicians',
        operationId: 'technicianList',
        summary: 'List technicians',
        query: queryParameters(listQuery, {
          is_available: 'true/false (or 1/0).',
          service_area: 'Case-insensitive.',
          skills: 'Comma-separated; a technician with every skill named matches (case-insensitive).',
        }),
        success: [{ status: 200, description: 'A page of technicians.', schema: object({ technicians: array(ref('TmsTechnician')), pagination }) }],
        statuses: [403],
        roles: P.list,
        rolesNote: 'a technician sees only themself',
      }),
      operation({
        ...base,
        method: 'get',
        path: '/api/technicians/{id}',
        operationId: 'technicianGet',
        summary: 'A technician',
        pathParams: id,
        success: [{ status: 200, description: 'The technician.', schema: technician, headers: ['ETag'] }],
        statuses: [403, 404],
        roles: P.view,
        rolesNote: 'a technician: their own id',
      }),
      operation({
        ...base,
        method: 'get',
        path: '/api/technicians/{id}/performance',
        operationId: 'technicianPerformance',
        summary: 'A technician’s performance figures',
        pathParams: id,
        success: [{ status: 200, description: 'The figures.', schema: object({ performance: ref('TmsTechnicianPerformance') }) }],
        statuses: [403, 404],
        roles: P.performance,
        rolesNote: 'a technician: their own id',
      }),
      operation({
        ...base,
        ...write,
        method: 'put',
        path: '/api/technicians/{id}/location',
        operationId: 'technicianUpdateLocation',
        summary: 'Update the current location',
        body: { required: true, json: fromZod(locationBody) },
        success: [{ status: 200, description: 'The technician after the change.', schema: technician, headers: ['ETag'] }],
        roles: P.updateLocation,
        rolesNote: `a technician: their own id; others: ${P.manageOthers.join(', ')}`,
      }),
      operation({
        ...base,
        ...write,
        method: 'put',
        path: '/api/technicians/{id}/availability',
        operationId: 'technicianUpdateAvailability',
        summary: 'Update availability',
        description: 'The reason is required when is_available is false (422).',
        body: { required: true, json: fromZod(availabilityBody) },
        success: [{ status: 200, description: 'The technician after the change.', schema: technician, headers: ['ETag'] }],
        roles: P.updateAvailability,
        rolesNote: `a technician: their own id; others: ${P.manageOthers.join(', ')}`,
      }),
      operation({
        ...base,
        ...write,
        method: 'put',
        path: '/api/technicians/{id}',
        operationId: 'technicianUpdateSkills',
        summary: 'Replace skills and service areas (extension)',
        description: 'Not in document 000, which has no way to set them. At least one of the two lists.',
        body: { required: true, json: fromZod(skillsBody) },
        success: [{ status: 200, description: 'The technician after the change.', schema: technician, headers: ['ETag'] }],
        roles: P.updateSkills,
      }),
    ],
  };
}
