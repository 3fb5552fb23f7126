import { array, constant, integer, nullable, object, record, ref, string } from './schema';
import type { ComponentsObject, HeaderObject, ParameterObject, ResponseObject, SchemaObject } from './types';

/**
 * What every area shares: the bearer scheme, the concurrency and idempotency headers, the
 * pagination of document 000, and the three error formats:
 *
 * - document 000 (`/api/...`, and `/ops`): `{ success: false, error: { code, message, details } }`
 *   (src/api/technician-management/errors.ts);
 * - document 001 (`/api/services`): `{ message }`, plus `errors` per field on 422
 *   (src/api/service-requests/errors.ts);
 * - `/api/auth/*`, shared by both: both at once (src/api/auth/errors.ts).
 */

/** A document's error format: one of the three above, or one a document declares with its
 * routes (`errorStyles` of src/api/http/route.ts DeclaredComponents). */
export type ErrorStyle = string;

/** An error format a document adds: the schema of its error body and an example per status. */
export interface ErrorStyleDefinition {
  /** Component name prefix of its responses (Tms → Tms404). */
  prefix: string;
  /** Component name of the error body's schema, and the schema. */
  schemaName: string;
  schema: SchemaObject;
  example(status: number, text: { code: string; message: string }): unknown;
}

export const BEARER = 'bearerAuth';

const fieldErrors = record(array(string()), 'Messages per field (a dotted path for nested fields, `body` for the whole body).');

const ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'TOKEN_EXPIRED',
  'INVALID_CREDENTIALS',
  'INSUFFICIENT_PERMISSIONS',
  'RESOURCE_NOT_FOUND',
  'DUPLICATE_ENTRY',
  'CONFLICT',
  'PRECONDITION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'VALIDATION_ERROR',
  'INVALID_STATE_TRANSITION',
  'RATE_LIMIT_EXCEEDED',
  'INTERNAL_ERROR',
];

const errorObject = object({
  code: { type: 'string', examples: ERROR_CODES },
  message: string(),
  details: {
    type: 'object',
    description:
      'Per field messages for VALIDATION_ERROR (`{ field: [messages] }`), `{ current, allowed }` for INVALID_STATE_TRANSITION, `{ field }` for DUPLICATE_ENTRY, `{ limit, retry_after, reset_time }` for RATE_LIMIT_EXCEEDED, else `{}`.',
  },
});

const schemas: Record<string, SchemaObject> = {
  Pagination: object({
    current_page: integer(),
    per_page: integer(),
    total: integer(),
    total_pages: integer(),
  }),
  FieldErrors: fieldErrors,
  TmsError: object(
    { success: constant(false), error: errorObject },
    { description: "Document 000's error format (also /ops)." },
  ),
  ServiceRequestError: object(
    {
      message: string(),
      errors: fieldErrors,
      current_status: string('With INVALID_STATE_TRANSITION: the status code now.'),
      allowed_actions: array(string(), 'With INVALID_STATE_TRANSITION: the steps the status allows.'),
    },
    {
      optional: ['errors', 'current_status', 'allowed_actions'],
      description: "Document 001's error format: `{ message }`; validation adds `errors`; a step the status does not allow adds `errors.status`, `current_status` and `allowed_actions`.",
    },
  ),
  AuthError: object(
    { success: constant(false), message: string(), errors: fieldErrors, error: errorObject },
    {
      optional: ['errors'],
      description: '/api/auth/* errors satisfy documents 000 and 001 at once: `message` and `errors` (001), `success` and `error` (000).',
    },
  ),
  ServiceStarting: object(
    {
      success: constant(false),
      message: string(),
      error: object({ code: constant('SERVICE_UNAVAILABLE'), message: string(), details: object({}) }),
    },
    { description: 'The readiness gate: every request but /health, /openapi.json and /docs while the read models catch up.' },
  ),
  FileNotFound: object({ message: constant('File not found') }),
};

const headers: Record<string, HeaderObject> = {
  ETag: { description: 'The stream revision of the resource, quoted (`"3"`); send it back as If-Match. It is not a validator of the whole answer (which also shows other streams\' data): a GET with If-None-Match is always answered in full, never 304.', schema: { type: 'string', pattern: '^"-?\\d+"$' } },
  Location: { description: 'Where the created resource is read.', schema: { type: 'string' } },
  XEventStream: {
    description: 'The event stream the resource is read from, as the store names it (`ticket-<uuid>`): its full history is at /api/v1/audit/streams/{stream}. Sent by every read of one aggregate, and with every ETag.',
    schema: { type: 'string' },
  },
  IdempotencyReplayed: { description: '`true` when this is the stored answer to an earlier request with the same Idempotency-Key.', schema: { const: 'true' } },
  WWWAuthenticate: { description: 'Always `Bearer`.', schema: { const: 'Bearer' } },
  RetryAfter: { description: 'Seconds to wait before trying again.', schema: { type: 'string', pattern: '^\\d+$' } },
  RateLimitLimit: { description: 'Requests allowed in the window of the tightest limit.', schema: { type: 'string' } },
  RateLimitRemaining: { description: 'Requests left in that window.', schema: { type: 'string' } },
  RateLimitReset: { description: 'When that window ends (Unix seconds).', schema: { type: 'string' } },
};

const parameters: Record<string, ParameterObject> = {
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'The same key (per caller and route) with the same body answers the first answer again, with `Idempotency-Replayed: true`, and appends nothing; the same key with another body is 422. 1 to 255 visible ASCII characters.',
    schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
  },
  IfMatch: {
    name: 'If-Match',
    in: 'header',
    required: false,
    description: 'An ETag of this resource (`"3"`, `3` or `W/"3"`). The write applies only to that revision: 412 when it is stale; a malformed value is 422.',
    schema: { type: 'string', pattern: '^(W/)?"?(-1|\\d+)"?$' },
  },
};

/** What each status means, and an example error code, per error format. */
const STATUS_TEXT: Record<number, { description: string; code: string; message: string }> = {
  400: { description: 'The body is not valid JSON, or could not be read.', code: 'BAD_REQUEST', message: 'The request body is not valid JSON' },
  401: {
    description: 'No bearer token, or a malformed, expired (TOKEN_EXPIRED), tampered or revoked one (UNAUTHORIZED).',
    code: 'UNAUTHORIZED',
    message: 'Unauthenticated',
  },
  403: { description: "The caller's role may not do this.", code: 'INSUFFICIENT_PERMISSIONS', message: 'You do not have permission to perform this action' },
  404: { description: 'Not found (also for an id the caller may not see, and for a malformed id).', code: 'RESOURCE_NOT_FOUND', message: 'Not found' },
  409: { description: 'A unique value is taken (DUPLICATE_ENTRY, `details.field`), or the write kept losing to concurrent writes (CONFLICT).', code: 'DUPLICATE_ENTRY', message: 'The email has already been taken.' },
  412: { description: 'If-Match names an older revision; nothing changed.', code: 'PRECONDITION_FAILED', message: 'The resource has changed' },
  413: { description: 'The body is larger than the limit.', code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' },
  422: {
    description: 'Validation failed (VALIDATION_ERROR, messages per field), or the step is not allowed in the current state (INVALID_STATE_TRANSITION).',
    code: 'VALIDATION_ERROR',
    message: 'Validation failed',
  },
  423: { description: 'The account is locked (document 004: ACCOUNT_LOCKED after too many failed logins).', code: 'ACCOUNT_LOCKED', message: 'Portal account is locked' },
  428: { description: 'Two-factor authentication is required (document 004: TWO_FACTOR_REQUIRED, with the methods).', code: 'TWO_FACTOR_REQUIRED', message: 'Two-factor authentication required' },
  429: { description: 'Too many attempts: wait Retry-After seconds.', code: 'RATE_LIMIT_EXCEEDED', message: 'Too many login attempts. Try again in 60 seconds.' },
  500: { description: 'An unexpected error (details are in the log under the request id, never in the body).', code: 'INTERNAL_ERROR', message: 'An unexpected error occurred' },
  502: {
    description: 'A system this request depends on (a Mikrotik router) failed or could not be reached; the failure is recorded.',
    code: 'BAD_GATEWAY',
    message: 'The upstream system failed',
  },
};

export const ERROR_STATUSES = Object.keys(STATUS_TEXT).map(Number);

const STYLE_PREFIX: Record<string, string> = { tms: 'Tms', serviceRequests: 'ServiceRequests', auth: 'Auth' };

const prefixOf = (style: ErrorStyle): string => STYLE_PREFIX[style] ?? `${style.charAt(0).toUpperCase()}${style.slice(1)}`;

/** The component name of an error response, e.g. Tms404. */
export function errorResponseName(style: ErrorStyle, status: number): string {
  if (!STATUS_TEXT[status]) throw new Error(`no error response for status ${status}`);
  return `${prefixOf(style)}${status}`;
}

function example(style: ErrorStyle, status: number): unknown {
  const t = STATUS_TEXT[status]!;
  const details = status === 422 ? { field: ['The field field is required.'] } : {};
  if (style === 'tms') return { success: false, error: { code: t.code, message: t.message, details } };
  if (style === 'auth') {
    return {
      success: false,
      message: t.message,
      ...(status === 422 ? { errors: details } : {}),
      error: { code: status === 401 ? 'INVALID_CREDENTIALS' : t.code, message: t.message, details },
    };
  }
  if (status === 422) return { message: 'Validation failed', errors: { serial_number: ['The serial number field is required.'] } };
  return { message: status === 401 ? 'Unauthenticated.' : t.message };
}

function errorResponse(style: ErrorStyle, status: number, defined?: ErrorStyleDefinition): ResponseObject {
  const schema = ref(defined ? defined.schemaName : style === 'tms' ? 'TmsError' : style === 'auth' ? 'AuthError' : 'ServiceRequestError');
  const responseHeaders: ResponseObject['headers'] = {};
  if (status === 401) responseHeaders['WWW-Authenticate'] = { $ref: '#/components/headers/WWWAuthenticate' };
  if (status === 429) {
    responseHeaders['Retry-After'] = { $ref: '#/components/headers/RetryAfter' };
    responseHeaders['X-RateLimit-Limit'] = { $ref: '#/components/headers/RateLimitLimit' };
    responseHeaders['X-RateLimit-Remaining'] = { $ref: '#/components/headers/RateLimitRemaining' };
    responseHeaders['X-RateLimit-Reset'] = { $ref: '#/components/headers/RateLimitReset' };
  }
  return {
    description: STATUS_TEXT[status]!.description,
    ...(Object.keys(responseHeaders).length ? { headers: responseHeaders } : {}),
    content: { 'application/json': { schema, example: defined ? defined.example(status, STATUS_TEXT[status]!) : example(style, status) } },
  };
}

/** The shared components; areas add their own schemas to `schemas`, documents their own error
 * formats through `styles`. */
export function sharedComponents(styles: Record<ErrorStyle, ErrorStyleDefinition> = {}): ComponentsObject {
  const responses: Record<string, ResponseObject> = {
    ServiceStarting: {
      description: 'The service is starting (read models catching up with the event log).',
      headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } },
      content: { 'application/json': { schema: ref('ServiceStarting') } },
    },
  };
  for (const style of Object.keys(STYLE_PREFIX)) {
    for (const status of ERROR_STATUSES) responses[errorResponseName(style, status)] = errorResponse(style, status);
  }
  const styleSchemas: Record<string, SchemaObject> = {};
  for (const [style, defined] of Object.entries(styles)) {
    if (STYLE_PREFIX[style] || prefixOf(style) !== defined.prefix) throw new Error(`error style ${style}: prefix must be ${prefixOf(style)} and not a built-in style`);
    if (schemas[defined.schemaName]) throw new Error(`error style ${style}: schema ${defined.schemaName} is taken`);
    styleSchemas[defined.schemaName] = defined.schema;
    for (const status of ERROR_STATUSES) responses[errorResponseName(style, status)] = errorResponse(style, status, defined);
  }
  return {
    schemas: { ...schemas, ...styleSchemas },
    responses,
    parameters: { ...parameters },
    headers: { ...headers },
    securitySchemes: {
      [BEARER]: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'An access token from POST /api/auth/login or /api/auth/refresh (`data.tokens.access_token`, also `token`), HS256, audience `staff`, 900 s by default.',
      },
    },
  };
}

/** Document 000's pagination, inside `data` of every list. */
export const pagination = ref('Pagination');

/** A string or null (the property is always present). */
export const nullableString = (description?: string): SchemaObject => nullable(string(description));
