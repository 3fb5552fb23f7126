import type { ServiceRequestAction, ServiceRequestStatus } from '../../../domain/service-request';
import { createServiceRequestBody, listQuery, transitionBodies } from '../../service-requests/input';
import { SERVICE_REQUEST_PERMISSIONS } from '../../service-requests/permissions';
import { STATUS_LABEL, TIMELINE_LABEL } from '../../service-requests/presenter';
import { operation, type Area, type BuiltOperation } from '../builder';
import { array, dateTime, fromZod, integer, nullable, object, oneOfValues, queryParameters, ref, string } from '../schema';
import type { SchemaObject } from '../types';

/**
 * Document 001 (src/api/service-requests/): bare `{ data }` and `{ data, pagination }`, errors
 * `{ message, errors }`, integer ids. Shapes from presenter.ts.
 */

const TAG = '001 · Service requests';
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

const schemas: Record<string, SchemaObject> = {
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
function createBody(withPhoto: boolean): SchemaObject {
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

const ACTION_TEXT: Record<ServiceRequestAction, { summary: string; description: string }> = {
  approve: { summary: 'Approve a pending request', description: 'pending → approved.' },
  reject: { summary: 'Reject a pending request', description: 'pending → rejected; the reason is required.' },
  start: { summary: 'Start work on an approved request', description: 'approved → in_progress.' },
  complete: { summary: 'Complete a request in progress', description: 'in_progress → completed.' },
  cancel: {
    summary: 'Cancel a request',
    description: `pending or approved → cancelled. Anyone may cancel their own request; someone else’s only ${SERVICE_REQUEST_PERMISSIONS.cancelAny.join(', ')}.`,
  },
};

export function serviceRequestsArea(): Area {
  const base = { tag: TAG, errors: 'serviceRequests' as const, envelope: 'none' as const, auth: true };
  const id = { id: { schema: { type: 'integer', minimum: 0, maximum: 999_999_999_999_999 }, description: 'The request id (REQ-001 is 1).' } };
  const P = SERVICE_REQUEST_PERMISSIONS;
  const detail = object({ data: ref('ServiceRequestDetail') });
  const transitions: BuiltOperation[] = (Object.keys(transitionBodies) as ServiceRequestAction[]).map((action) =>
    operation({
      ...base,
      method: 'post',
      path: `/api/services/{id}/${action}`,
      operationId: `serviceRequest${action[0]!.toUpperCase()}${action.slice(1)}`,
      summary: ACTION_TEXT[action].summary,
      description: `${ACTION_TEXT[action].description} A step the current status does not allow is 422 with \`current_status\` and \`allowed_actions\`. An extension of document 001 (its timeline implies the workflow).`,
      pathParams: id,
      ifMatch: true,
      body: { required: false, json: fromZod(transitionBodies[action]) },
      success: [{ status: 200, description: 'The request after the step.', schema: detail, headers: ['ETag'] }],
      statuses: [403, 404, 409],
      ...(action === 'cancel' ? {} : { roles: P[action] }),
    }),
  );

  return {
    tag: {
      name: TAG,
      description: 'Document 001, device repair requests with an approval timeline (docs/api/001-service-requests.md). Bare `{ data }` bodies; errors `{ message, errors }`.',
    },
    schemas,
    operations: [
      operation({
        ...base,
        method: 'get',
        path: '/api/services',
        operationId: 'serviceRequestList',
        summary: 'List service requests',
        description: 'Newest first by default. Without `viewAll` a caller sees only their own requests.',
        query: queryParameters(listQuery, {
          per_page: 'Items per page (default 10).',
          limit: 'Caps the page size.',
          status: 'A status code (in_progress), label (In Progress) or timeline label (Proses); unknown is 422.',
          search: 'Code, serial number, device, brand, model, description or requester.',
          order: 'asc or desc (any case; default desc).',
        }),
        success: [
          {
            status: 200,
            description: 'A page of requests.',
            schema: object({ data: array(ref('ServiceRequest')), pagination: ref('ServiceRequestPagination') }),
          },
        ],
        statuses: [403],
        roles: P.create,
        rolesNote: `everyone's: ${P.viewAll.join(', ')}`,
      }),
      operation({
        ...base,
        method: 'post',
        path: '/api/services',
        operationId: 'serviceRequestCreate',
        summary: 'Submit a service request (multipart with an optional photo, or JSON)',
        idempotencyKey: true,
        body: {
          required: true,
          description: 'Every alias of the Field Mapping table is accepted; the first one present wins.',
          multipart: { schema: createBody(true), encoding: { photo: { contentType: 'image/jpeg, image/png, image/gif, image/webp' } } },
          json: createBody(false),
        },
        success: [{ status: 201, description: 'Submitted.', schema: detail, headers: ['ETag', 'Location'] }],
        statuses: [403, 409],
        roles: P.create,
      }),
      operation({
        ...base,
        method: 'get',
        path: '/api/services/{id}',
        operationId: 'serviceRequestGet',
        summary: 'A service request with its timeline',
        description: "Someone else's request is 404 for a caller without `viewAll`.",
        pathParams: id,
        success: [{ status: 200, description: 'The request.', schema: detail, headers: ['ETag'] }],
        statuses: [404],
      }),
      operation({
        ...base,
        method: 'get',
        path: '/api/services/{id}/timeline',
        operationId: 'serviceRequestTimeline',
        summary: 'The timeline of a service request',
        pathParams: id,
        success: [{ status: 200, description: 'The timeline, oldest first.', schema: object({ data: array(ref('ServiceRequestTimelineEntry')) }), headers: ['ETag'] }],
        statuses: [404],
      }),
      ...transitions,
    ],
  };
}
