import type { ServiceRequestAction, ServiceRequestStatus } from '../../domain/service-request';
import { array, dateTime, fromZod, integer, nullable, object, oneOfValues, ref, string } from '../openapi/schema';
import type { SchemaObject } from '../openapi/types';
import { createServiceRequestBody } from './input';
import { SERVICE_REQUEST_PERMISSIONS } from './permissions';
import { STATUS_LABEL, TIMELINE_LABEL } from './presenter';

/**
 * The OpenAPI side of document 001 (router.ts): bare `{ data }` and `{ data, pagination }`,
 * errors `{ message, errors }`, integer ids. Shapes from presenter.ts.
 */

export const SERVICE_REQUESTS_TAG = '001 · Service requests';
const STATUS_CODES = Object.keys(STATUS_LABEL) as ServiceRequestStatus[];

const serviceRequestProperties = {
  id: integer(),
  code: string('REQ- and the id padded to three digits.'),
  request_code: string('Alias of code.'),
  device_type: string(),
  device: string('Alias of device_type.'),
  brand: nullable(string()),
  device_brand: nullable(string('Alias of brand.')),
  model: nullable(string()),
  device_model: nullable(string('Alias of model.')),
  serial_number: string(),
  sn: string('Alias of serial_number.'),
  service_type: string(),
  service: string('Alias of service_type.'),
  description: string(),
  issue_description: string('Alias of description.'),
  status: oneOfValues(STATUS_CODES.map((s) => STATUS_LABEL[s]), 'The status as the front end shows it.'),
  status_code: oneOfValues(STATUS_CODES, 'The status as a machine value.'),
  requester_name: string(),
  user_name: string('Alias of requester_name.'),
  department: nullable(string()),
  photo_url: nullable(string('A signed, expiring link to the photo (GET /files/{id}).')),
  created_at: dateTime(),
  approved_at: nullable(dateTime()),
  updated_at: dateTime(),
};

const timelineEntry = object({
  id: integer("1-based position of the event in the request's stream."),
  label: oneOfValues(STATUS_CODES.map((s) => TIMELINE_LABEL[s])),
  status: oneOfValues(STATUS_CODES.map((s) => TIMELINE_LABEL[s]), 'Alias of label.'),
  date: dateTime(),
  created_at: dateTime('Alias of date.'),
  note: string('Who did it, and the note or reason given.'),
  description: string('Alias of note.'),
  state: oneOfValues(['active', 'inactive'], 'active for the entry of the current status.'),
  actor: object({ name: string(), role: nullable(string()) }),
});

/** The OpenAPI schemas of what presenter.ts writes. */
export const SERVICE_REQUEST_SCHEMAS: Record<string, SchemaObject> = {
  ServiceRequest: object(serviceRequestProperties, { description: 'A service request as lists show it, with every alias of the Field Mapping table.' }),
  ServiceRequestDetail: object({ ...serviceRequestProperties, timeline: array(ref('ServiceRequestTimelineEntry')) }),
  ServiceRequestTimelineEntry: timelineEntry,
  ServiceRequestPagination: object({ current_page: integer(), last_page: integer(), total: integer(), per_page: integer() }),
};

/** The Field Mapping aliases the create body accepts (src/api/service-requests/input.ts canonicalFields). */
const INPUT_ALIASES: Record<string, string> = {
  device_type: 'device',
  brand: 'device_brand',
  model: 'device_model',
  serial_number: 'sn',
  service_type: 'service',
  description: 'issue_description',
};

/**
 * The create body: the zod schema's fields, each alias with the same rules, and a required field
 * satisfied by the field or its alias (the first one present wins).
 */
export function createBody(withPhoto: boolean): SchemaObject {
  const base = fromZod(createServiceRequestBody);
  const properties = { ...(base.properties as Record<string, SchemaObject>) };
  for (const [field, alias] of Object.entries(INPUT_ALIASES)) {
    if (!properties[field]) throw new Error(`service request field ${field} is not in createServiceRequestBody`);
    properties[alias] = { ...properties[field], description: `Alias of ${field}.` };
  }
  if (withPhoto) properties.photo = { type: 'string', format: 'binary', description: 'Optional image: JPEG, PNG, GIF or WebP (by its first bytes), at most UPLOAD_MAX_BYTES.' };
  const required = (base.required ?? []) as string[];
  return {
    type: 'object',
    properties,
    allOf: required.map((field) => ({ anyOf: [{ required: [field] }, ...(INPUT_ALIASES[field] ? [{ required: [INPUT_ALIASES[field]] }] : [])] })),
  };
}

export const ACTION_TEXT: Record<ServiceRequestAction, { summary: string; description: string }> = {
  approve: { summary: 'Approve a pending request', description: 'pending → approved.' },
  reject: { summary: 'Reject a pending request', description: 'pending → rejected; the reason is required.' },
  start: { summary: 'Start work on an approved request', description: 'approved → in_progress.' },
  complete: { summary: 'Complete a request in progress', description: 'in_progress → completed.' },
  cancel: {
    summary: 'Cancel a request',
    description: `pending or approved → cancelled. Anyone may cancel their own request; someone else’s only ${SERVICE_REQUEST_PERMISSIONS.cancelAny.join(', ')}.`,
  },
};
