import { platformArea } from './areas/platform';
import type { Express } from 'express';
import type { Area } from './builder';
import { declaredOperations } from './declared';
import { sharedComponents } from './components';
import { socketIo, socketIoMarkdown } from './socket-events';
import type { OpenApiDocument } from './types';

const DESCRIPTION = `One event-sourced backend serving several API documents. Each keeps its own envelope and error format:

- **Document 000**, ISP Technician Management (\`/api/users\`, \`/api/customers\`, \`/api/tickets\`, \`/api/technicians\`, \`/api/notifications\`, \`/api/mobile\`, \`/api/reports\`, \`/api/inventory\`): \`{ success: true, data }\`, errors \`{ success: false, error: { code, message, details } }\`, snake_case, UUID ids.
- **Document 001**, Service Requests (\`/api/services\`): bare \`{ data }\` and \`{ data, pagination }\`, errors \`{ message, errors }\`, integer ids.
- **/api/auth/***, shared by both: one body that satisfies both documents, errors in both formats at once.
- **Document 003**, Mobile Inventory App admin (\`/api/v1/admin/...\`): \`{ data }\`, lists \`{ data, meta: { currentPage, lastPage, total } }\`, errors \`{ message, errorCode, errors }\`, camelCase answers, snake_case bodies, integer ids, 100 requests a minute per user.
- Document 000's base URL ends in \`/v1\`, so every document 000 route (and \`/api/auth/*\`) is also served under \`/v1/api/...\`: the same routers mounted twice. It is described once, under \`/api\` (routes declared in code also appear under \`/v1/api\`, with operationIds ending \`_v1_api...\`).

Authenticate with \`Authorization: Bearer <access_token>\` from \`POST /api/auth/login\` (use **Authorize** above). Reads of one resource carry an \`ETag\`; writes that take \`If-Match\` refuse a stale revision with 412. Creating POSTs honour \`Idempotency-Key\`. Until the read models have caught up with the event log every endpoint but /health, /openapi.json and /docs answers 503 with Retry-After. A path no router answers is 404 \`{ success: false, message, error: { code: RESOURCE_NOT_FOUND, message, details } }\`.

The per-area documents, with permissions and decisions, are in docs/api/ (docs/api/README.md).`;

/**
 * The OpenAPI 3.1 document of every endpoint the server answers, built from the areas in
 * ./areas (request schemas from the routers' zod schemas, response schemas from the
 * presenters). Called once by the router factory; throws on an inconsistency (an operation
 * defined twice, a schema name taken twice, a path parameter left undescribed).
 */
export function buildOpenApiDocument(options: { serverUrl?: string; app?: Express } = {}): OpenApiDocument {
  const areas: Area[] = [
    platformArea(),
  ];
  // Routes declared with src/api/http/route.ts describe themselves (declared.ts reads them off
  // the mounted routers); the areas above are the routes still described by hand.
  const declared = options.app ? declaredOperations(options.app) : { operations: [], tags: [], schemas: {}, errorStyles: {} };
  areas.push({ tag: { name: '', description: '' }, schemas: declared.schemas, operations: declared.operations });
  const components = sharedComponents(declared.errorStyles);
  const paths: OpenApiDocument['paths'] = {};
  for (const area of areas) {
    for (const [name, schema] of Object.entries(area.schemas)) {
      if (components.schemas[name]) throw new Error(`schema ${name} is defined twice`);
      components.schemas[name] = schema;
    }
    for (const { method, path, operation } of area.operations) {
      const item = (paths[path] ??= {});
      if (item[method]) throw new Error(`${method.toUpperCase()} ${path} is described twice`);
      item[method] = operation;
    }
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
    tags: [...areas.map((a) => a.tag).filter((t) => t.name !== ''), ...declared.tags],
    paths,
    components,
    'x-socket-io': socketIo(),
  };
}
