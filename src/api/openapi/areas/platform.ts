import { operation, type Area } from '../builder';
import { ref, string } from '../schema';

/**
 * What is not an API document: /health (src/api/ops/health.ts; its schema is declared with the
 * /ops routes, src/api/ops/schemas.ts), signed file links (src/api/files/router.ts) and this
 * documentation (src/api/openapi/router.ts).
 */

export const PLATFORM_TAG = 'Platform';

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
