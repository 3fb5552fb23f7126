import { Router, type Express } from 'express';
import { declareRoutes, route } from '../http/route';
import { PLATFORM_TAG } from '../files/router';
import type { ApiDeps } from '../deps';
import { buildOpenApiDocument } from './document';
import { DOCS_PATH, DOCUMENT_PATH, docsAssets, docsPage } from './ui';

const base = { tag: PLATFORM_TAG, auth: false, gated: false, envelope: 'none' as const, errors: 'auth' as const };

/**
 * GET /openapi.json (the OpenAPI 3.1 document of every endpoint) and GET /docs (Swagger UI on
 * it, with its files under /docs/). No token needed; mounted before the readiness gate so the
 * documentation can be read while the service starts. The document is built once, on its first request.
 */
export function openapiRouter(deps: Pick<ApiDeps, 'settings'>): Router {
  // Built on the first request, from the application as mounted (its declared routes included).
  let document: string | null = null;
  const page = docsPage();
  const router = Router();
  declareRoutes(router, [
    route({
      method: 'get',
      path: DOCUMENT_PATH,
      doc: {
        ...base,
        operationId: 'openApiDocument',
        summary: 'This OpenAPI 3.1 document',
        success: [{ status: 200, description: 'The document.', schema: { type: 'object', description: 'OpenAPI 3.1.' } }],
      },
      handle: (req, res) => {
        document ??= JSON.stringify(buildOpenApiDocument({ serverUrl: deps.settings.publicUrl, app: req.app as Express }));
        res.type('application/json').setHeader('Cache-Control', 'no-cache');
        res.send(document);
      },
    }),
    route({
      method: 'get',
      path: DOCS_PATH,
      doc: {
        ...base,
        operationId: 'apiDocsUi',
        summary: 'Browse this document (Swagger UI, served from this server)',
        success: [{ status: 200, description: 'The UI.', otherContent: { 'text/html': { schema: { type: 'string' } } } }],
      },
      handle: (_req, res) => {
        res.type('html').setHeader('Cache-Control', 'no-cache');
        res.send(page);
      },
    }),
  ]);
  router.use(DOCS_PATH, docsAssets());
  return router;
}
