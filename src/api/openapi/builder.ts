import { BEARER, errorResponseName, type ErrorStyle } from './components';
import { constant, object, parameterRef } from './schema';
import type {
  HeaderObject,
  HttpMethod,
  MediaTypeObject,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
} from './types';

/**
 * One operation, described the way the routers are written: which error format its document
 * uses, whether it needs the bearer token, which headers it honours. The builder adds what
 * follows from that, so every operation is described alike:
 *
 * - 401 (with WWW-Authenticate) when it needs a token;
 * - 400 and 413 when it reads a JSON body, 400 for a multipart one;
 * - 422 when it validates a query, a body, If-Match or Idempotency-Key;
 * - 412 when it honours If-Match; `Idempotency-Replayed` on the success when it honours Idempotency-Key;
 * - 500 always, and 503 behind the readiness gate.
 *
 * `extraResponses` replaces any of these where an operation answers otherwise.
 */

/** 'X-Event-Stream' for a read of one aggregate that sends no ETag; 'ETag' implies it. */
export type SuccessHeader = 'ETag' | 'Location' | 'X-Event-Stream';

export interface Success {
  status: 200 | 201 | 202;
  description: string;
  /** The body: wrapped in `{ success: true, data }` when the operation's envelope is 000's. */
  schema?: SchemaObject;
  /** Other representations of the same answer (CSV, PDF, a file), as given. */
  otherContent?: Record<string, MediaTypeObject>;
  headers?: readonly SuccessHeader[];
  extraHeaders?: Record<string, HeaderObject>;
}

export interface OperationSpec {
  method: HttpMethod;
  /** OpenAPI path template: /api/tickets/{id}. */
  path: string;
  tag: string;
  operationId: string;
  summary: string;
  description?: string;
  /** Needs `Authorization: Bearer <access token>`. */
  auth: boolean;
  /** Behind the readiness gate (503 while starting); default true. */
  gated?: boolean;
  /** Errors in this format; `envelope` says how successes are written. */
  errors: ErrorStyle;
  /** `tms`: `{ success: true, data }` (document 000); `none`: the body as given. */
  envelope: 'tms' | 'none';
  /** Every {name} of the path, with its schema. */
  pathParams?: Record<string, { schema: SchemaObject; description: string }>;
  query?: ParameterObject[];
  idempotencyKey?: boolean;
  ifMatch?: boolean;
  body?: {
    required: boolean;
    description?: string;
    json?: SchemaObject;
    multipart?: { schema: SchemaObject; encoding?: MediaTypeObject['encoding'] };
  };
  success: Success[];
  /** Further error statuses this operation answers (403, 404, 409, 422 ...). */
  statuses?: readonly number[];
  /** Whether the query or body is validated (422 on failure); default true. */
  validates?: boolean;
  /** Responses written out by hand, replacing what the builder would add for the status. */
  extraResponses?: Record<string, ResponseObject | ReferenceObject>;
  /** Roles the area's permission table allows (x-roles and a line of the description). */
  roles?: readonly string[];
  /** What the roles line adds (e.g. "a technician: only themself"). */
  rolesNote?: string;
}

export interface BuiltOperation {
  method: HttpMethod;
  path: string;
  operation: OperationObject;
}

const envelope = (data: SchemaObject): SchemaObject => object({ success: constant(true), data });

const headerRef = (name: string): ReferenceObject => ({ $ref: `#/components/headers/${name}` });

export function operation(spec: OperationSpec): BuiltOperation {
  const templateParams = [...spec.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const described = Object.keys(spec.pathParams ?? {});
  const missing = templateParams.filter((p) => !described.includes(p));
  const extra = described.filter((p) => !templateParams.includes(p));
  if (missing.length || extra.length) {
    throw new Error(`${spec.method.toUpperCase()} ${spec.path}: path parameters ${JSON.stringify({ missing, extra })}`);
  }

  const parameters: Array<ParameterObject | ReferenceObject> = [
    ...templateParams.map((name) => ({
      name,
      in: 'path' as const,
      required: true,
      description: spec.pathParams![name]!.description,
      schema: spec.pathParams![name]!.schema,
    })),
    ...(spec.query ?? []),
  ];
  if (spec.idempotencyKey) parameters.push(parameterRef('IdempotencyKey'));
  if (spec.ifMatch) parameters.push(parameterRef('IfMatch'));

  const responses: Record<string, ResponseObject | ReferenceObject> = {};
  for (const s of spec.success) {
    const headers: Record<string, HeaderObject | ReferenceObject> = {};
    for (const h of s.headers ?? []) {
      if (h !== 'X-Event-Stream') headers[h] = headerRef(h);
      // A read of one aggregate names its stream (src/api/http/conditional.ts setEventStream),
      // always next to its revision (setEtag): listed alone or implied by ETag, it is there once.
      if (h === 'ETag' || h === 'X-Event-Stream') headers['X-Event-Stream'] = headerRef('XEventStream');
    }
    if (spec.idempotencyKey) headers['Idempotency-Replayed'] = headerRef('IdempotencyReplayed');
    Object.assign(headers, s.extraHeaders ?? {});
    const content: Record<string, MediaTypeObject> = {};
    if (s.schema) content['application/json'] = { schema: spec.envelope === 'tms' ? envelope(s.schema) : s.schema };
    Object.assign(content, s.otherContent ?? {});
    responses[String(s.status)] = {
      description: s.description,
      ...(Object.keys(headers).length ? { headers } : {}),
      ...(Object.keys(content).length ? { content } : {}),
    };
  }

  const statuses = new Set<number>(spec.statuses ?? []);
  if (spec.auth) statuses.add(401);
  if (spec.body?.json) {
    statuses.add(400);
    statuses.add(413);
  }
  if (spec.body?.multipart) statuses.add(400);
  if (((spec.validates ?? true) && (spec.query?.length || spec.body)) || spec.ifMatch || spec.idempotencyKey) statuses.add(422);
  if (spec.ifMatch) statuses.add(412);
  statuses.add(500);
  for (const status of [...statuses].sort((a, b) => a - b)) {
    responses[String(status)] = { $ref: `#/components/responses/${errorResponseName(spec.errors, status)}` };
  }
  if (spec.gated ?? true) responses['503'] = { $ref: '#/components/responses/ServiceStarting' };
  Object.assign(responses, spec.extraResponses ?? {});

  const description = [
    spec.description,
    spec.roles ? `**Roles:** ${spec.roles.join(', ')}${spec.rolesNote ? ` (${spec.rolesNote})` : ''}.` : undefined,
  ]
    .filter(Boolean)
    .join('\n\n');

  const op: OperationObject = {
    tags: [spec.tag],
    summary: spec.summary,
    ...(description ? { description } : {}),
    operationId: spec.operationId,
    security: spec.auth ? [{ [BEARER]: [] }] : [],
    ...(parameters.length ? { parameters } : {}),
    responses,
    ...(spec.roles ? { 'x-roles': [...spec.roles] } : {}),
  };
  if (spec.body) {
    const content: Record<string, MediaTypeObject> = {};
    if (spec.body.multipart) {
      content['multipart/form-data'] = {
        schema: spec.body.multipart.schema,
        ...(spec.body.multipart.encoding ? { encoding: spec.body.multipart.encoding } : {}),
      };
    }
    if (spec.body.json) content['application/json'] = { schema: spec.body.json };
    op.requestBody = { required: spec.body.required, ...(spec.body.description ? { description: spec.body.description } : {}), content };
  }
  return { method: spec.method, path: spec.path, operation: op };
}
