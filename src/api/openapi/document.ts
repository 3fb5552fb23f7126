import type { Express } from 'express';
import { declaredOperations } from './declared';
import { sharedComponents } from './components';
import { socketIo, socketIoMarkdown } from './socket-events';
import type { OpenApiDocument } from './types';

const DESCRIPTION = `One event-sourced backend serving several API documents. Each keeps its own envelope and error format:

- **Document 000**, ISP Technician Management (\`/api/users\`, \`/api/customers\`, \`/api/tickets\`, \`/api/technicians\`, \`/api/notifications\`, \`/api/mobile\`, \`/api/reports\`, \`/api/inventory\`): \`{ success: true, data }\`, errors \`{ success: false, error: { code, message, details } }\`, snake_case, UUID ids.
- **Document 001**, Service Requests (\`/api/services\`): bare \`{ data }\` and \`{ data, pagination }\`, errors \`{ message, errors }\`, integer ids.
- **/api/auth/***, shared by both: one body that satisfies both documents, errors in both formats at once.
- **Document 003**, Mobile Inventory App admin (\`/api/v1/admin/...\`): \`{ data }\`, lists \`{ data, meta: { currentPage, lastPage, total } }\`, errors \`{ message, errorCode, errors }\`, camelCase answers, snake_case bodies, integer ids, 100 requests a minute per user.
- Document 000's base URL ends in \`/v1\`, so every document 000 route (and \`/api/auth/*\`) is also served under \`/v1/api/...\`: the same routers mounted twice, described under both (operationIds of the second ending \`_v1_api...\`).
- **Audit** (\`/api/v1/audit\`, super admin and auditor) and **Operations** (\`/api/v1/ops\`, also \`/ops\`; super admin): document 000's envelope and errors. Every read of one aggregate names its event stream in \`X-Event-Stream\`. \`/metrics\` answers Prometheus with the METRICS_TOKEN bearer.

Authenticate with \`Authorization: Bearer <access_token>\` from \`POST /api/auth/login\` (use **Authorize** above). Reads of one resource carry an \`ETag\`; writes that take \`If-Match\` refuse a stale revision with 412. Creating POSTs honour \`Idempotency-Key\`. Until the read models have caught up with the event log every endpoint but /health, /openapi.json and /docs answers 503 with Retry-After. A path no router answers is 404 \`{ success: false, message, error: { code: RESOURCE_NOT_FOUND, message, details } }\`.

The per-area documents, with permissions and decisions, are in docs/api/ (docs/api/README.md).`;

/**
 * The OpenAPI 3.1 document of every endpoint the server answers, from the route declarations
 * on the mounted routers (src/api/http/route.ts, read by declared.ts): request schemas are the
 * zod schemas the routes validate with, response schemas those declared beside the presenters.
 * There is no second description of a route. Called once by the router factory; throws on an
 * inconsistency (an operation declared twice, a schema name taken twice, a path parameter left
 * undescribed, a route without a success schema).
 */
export function buildOpenApiDocument(options: { serverUrl?: string; app?: Express } = {}): OpenApiDocument {
  const declared = options.app ? declaredOperations(options.app) : { operations: [], tags: [], schemas: {}, errorStyles: {} };
  const components = sharedComponents(declared.errorStyles);
  for (const [name, schema] of Object.entries(declared.schemas)) {
    if (components.schemas[name]) throw new Error(`schema ${name} is defined twice`);
    components.schemas[name] = schema;
  }
  const paths: OpenApiDocument['paths'] = {};
  for (const { method, path, operation } of declared.operations) {
    const item = (paths[path] ??= {});
    if (item[method]) throw new Error(`${method.toUpperCase()} ${path} is described twice`);
    item[method] = operation;
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: 'ISP operations backend',
      version: '1.0',
      description: `${DESCRIPTION}\n\n${socketIoMarkdown()}`,
    },
    servers: [{ url: options.serverUrl ?? '/', description: options.serverUrl ? 'PUBLIC_URL' : 'This server' }],
    tags: declared.tags,
    paths,
    components,
    'x-socket-io': socketIo(),
  };
}
