import { operation, type Area } from '../builder';
import { array, boolean, dateTime, integer, nullable, number, object, oneOfValues, ref, string } from '../schema';
import type { SchemaObject } from '../types';

/**
 * What is not an API document: /health (src/api/ops/health.ts), /ops/* for super admins
 * (src/api/ops/router.ts, document 000's envelope), signed file links (src/api/files/router.ts)
 * and this documentation (src/api/openapi/router.ts).
 */

export const OPS_TAG = 'Operations';
export const PLATFORM_TAG = 'Platform';

const projectorStatus = object(
  {
    name: string(),
    checkpoint: integer('Log position applied.'),
    version: integer('Version of the projector whose documents are served (a standby does not report it).'),
    codeVersion: integer('Version the running code declares; when it differs from `version`, a rebuild of the new version runs beside the one that serves.'),
    appliedSinceStart: integer('Events this projector applied since the process started: after a restart, only those past its checkpoint.'),
    faulted: nullable(object({ position: integer(), eventType: string(), error: string() })),
  },
  { optional: ['version', 'codeVersion', 'appliedSinceStart'] },
);

const runnerStatus: Record<string, SchemaObject> = {
  running: boolean(),
  caughtUp: boolean(),
  position: integer('Log position every read model has applied.'),
  lag: object({ samples: integer(), p50Ms: nullable(number()), p99Ms: nullable(number()), maxMs: nullable(number()) }, { description: 'Event timestamp to applied, over recent live events.' }),
  projectors: array(projectorStatus),
  lease: object(
    { name: string(), owner: string(), role: string('active or standby.'), holder: nullable(string()) },
    { description: 'With a shared (MongoDB) read store: this instance’s role and the lease holder.' },
  ),
};
const runnerOptional = ['lease'];

const schemas: Record<string, SchemaObject> = {
  Health: object({
    status: oneOfValues(['ok', 'degraded', 'starting', 'unavailable']),
    stores: { type: 'object', description: 'The event, read and file stores in use (or the error reaching them).' },
    projections: object(runnerStatus, { optional: runnerOptional }),
    rebuilds: array(ref('OpsRebuildProgress'), 'Rebuilds in progress: a new projector version, or one an operator started. The version before keeps serving.'),
  }),
  OpsRebuildProgress: object({
    projector: string(),
    state: oneOfValues(['running', 'done', 'failed']),
    processed: integer(),
    position: integer(),
    target: integer(),
    startedAt: dateTime(),
    finishedAt: nullable(dateTime()),
    eventsPerSecond: nullable(number()),
    error: nullable(string()),
  }),
  OpsRecordedEvent: object({
    id: string(),
    streamName: string(),
    type: string(),
    revision: integer(),
    position: integer(),
    data: { type: 'object' },
    metadata: {
      type: 'object',
      description: 'actor, requestId, correlationId, causationId, timestamp, schemaVersion, and the hash chain (prevHash, hash).',
      required: ['timestamp', 'schemaVersion', 'prevHash', 'hash'],
    },
  }),
};

export function opsArea(): Area {
  const base = { tag: OPS_TAG, errors: 'tms' as const, envelope: 'tms' as const, auth: true, statuses: [403], roles: ['super_admin'] };
  const name = { name: { schema: string(), description: 'A projector name (see GET /ops/projections).' } };
  const stream = { stream: { schema: string(), description: 'A stream name, e.g. ticket-<id>.' } };
  return {
    tag: { name: OPS_TAG, description: 'For auditors and operators (super_admin only), in document 000’s envelope.' },
    schemas,
    operations: [
      operation({
        ...base,
        method: 'get',
        path: '/ops/projections',
        operationId: 'opsProjections',
        summary: 'Projection runner position, checkpoints, faults and rebuilds',
        success: [
          {
            status: 200,
            description: 'The runner status.',
            schema: object({ head: integer('The log head.'), ...runnerStatus, rebuilds: array(ref('OpsRebuildProgress')) }, { optional: runnerOptional }),
          },
        ],
      }),
      operation({
        ...base,
        method: 'post',
        path: '/ops/projections/{name}/rebuild',
        operationId: 'opsRebuildStart',
        summary: 'Rebuild a projection from position zero beside the live one, then swap',
        pathParams: name,
        success: [{ status: 202, description: 'Started.', schema: object({ rebuild: ref('OpsRebuildProgress') }) }],
        statuses: [403, 404],
      }),
      operation({
        ...base,
        method: 'get',
        path: '/ops/projections/{name}/rebuild',
        operationId: 'opsRebuildStatus',
        summary: 'Progress of a rebuild',
        pathParams: name,
        success: [{ status: 200, description: 'The progress.', schema: object({ rebuild: ref('OpsRebuildProgress') }) }],
        statuses: [403, 404],
      }),
      operation({
        ...base,
        method: 'get',
        path: '/ops/streams/{stream}',
        operationId: 'opsStream',
        summary: 'Every event of a stream, with metadata and hashes',
        pathParams: stream,
        query: [
          {
            name: 'as_of_revision',
            in: 'query',
            required: false,
            description: 'Only events up to this revision (a non-negative integer; 422 otherwise).',
            schema: { type: 'integer', minimum: 0 },
          },
        ],
        success: [
          {
            status: 200,
            description: 'The stream.',
            schema: object({ stream: string(), revision: integer('The last revision.'), events: array(ref('OpsRecordedEvent')) }),
          },
        ],
        statuses: [403, 404],
      }),
      operation({
        ...base,
        method: 'get',
        path: '/ops/streams/{stream}/verify',
        operationId: 'opsStreamVerify',
        summary: 'Recompute the hash chain of a stream',
        pathParams: stream,
        success: [
          {
            status: 200,
            description: 'The verification.',
            schema: object({
              verification: object(
                {
                  streamName: string(),
                  valid: boolean(),
                  eventCount: integer(),
                  lastHash: string(),
                  brokenAt: object({ revision: integer(), reason: string() }),
                },
                { optional: ['brokenAt'] },
              ),
            }),
          },
        ],
        statuses: [403, 404],
      }),
      operation({
        ...base,
        method: 'get',
        path: '/ops/read-models/{collection}/{id}',
        operationId: 'opsReadModelDocument',
        summary: 'One read model document, without bookkeeping fields',
        pathParams: {
          collection: { schema: string(), description: 'A read model collection (tickets, users, ...).' },
          id: { schema: string(), description: 'The document’s _id.' },
        },
        success: [{ status: 200, description: 'The document.', schema: object({ document: { type: 'object' } }) }],
        statuses: [403, 404],
      }),
    ],
  };
}

export function platformArea(): Area {
  // No error handler of their own: the application's (src/api/http-app.ts) answers in the shared format.
  const base = { tag: PLATFORM_TAG, auth: false, gated: false, envelope: 'none' as const, errors: 'auth' as const };
  return {
    tag: { name: PLATFORM_TAG, description: 'Health, signed file links and this documentation; no token needed.' },
    schemas: {},
    operations: [
      operation({
        ...base,
        method: 'get',
        path: '/health',
        operationId: 'health',
        summary: 'Readiness: 200 once the read models have caught up with the log, 503 before',
        description: 'status: ok, degraded (a projector faulted), starting (catching up; 503) or unavailable (a store cannot be reached; 503).',
        success: [{ status: 200, description: 'Ready.', schema: ref('Health') }],
        extraResponses: { '503': { description: 'Starting, or a store cannot be reached.', content: { 'application/json': { schema: ref('Health') } } } },
      }),
      operation({
        ...base,
        gated: true,
        method: 'get',
        path: '/files/{id}',
        operationId: 'fileGet',
        summary: 'An uploaded file, by a signed and expiring link',
        description: 'Links come from the API (photo_url, attachment and upload urls). An unknown file, or a missing, wrong or expired signature, is 404 `{ message }`.',
        pathParams: { id: { schema: string(), description: 'The file id.' } },
        validates: false,
        query: [
          { name: 'expires', in: 'query', required: true, description: 'Unix seconds.', schema: { type: 'string', pattern: '^\\d{1,12}$' } },
          { name: 'signature', in: 'query', required: true, description: 'HMAC of the id and expiry.', schema: { type: 'string' } },
        ],
        success: [
          {
            status: 200,
            description: 'The file, with its sniffed Content-Type.',
            otherContent: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
          },
        ],
        extraResponses: {
          '404': { description: 'No such file, or the link is not valid (any more).', content: { 'application/json': { schema: ref('FileNotFound') } } },
        },
      }),
      operation({
        ...base,
        method: 'get',
        path: '/openapi.json',
        operationId: 'openApiDocument',
        summary: 'This OpenAPI 3.1 document',
        success: [{ status: 200, description: 'The document.', schema: { type: 'object', description: 'OpenAPI 3.1.' } }],
      }),
      operation({
        ...base,
        method: 'get',
        path: '/docs',
        operationId: 'apiDocsUi',
        summary: 'Browse this document (Swagger UI, served from this server)',
        success: [{ status: 200, description: 'The UI.', otherContent: { 'text/html': { schema: { type: 'string' } } } }],
      }),
    ],
  };
}
