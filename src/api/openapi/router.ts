import { Router, type Express } from 'express';
import type { ApiDeps } from '../deps';
import { buildOpenApiDocument } from './document';
import { DOCS_PATH, DOCUMENT_PATH, docsAssets, docsPage } from './ui';

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
  router.get(DOCUMENT_PATH, (req, res) => {
    document ??= JSON.stringify(buildOpenApiDocument({ serverUrl: deps.settings.publicUrl, app: req.app as Express }));
    res.type('application/json').setHeader('Cache-Control', 'no-cache');
    res.send(document);
  });
  router.get(DOCS_PATH, (_req, res) => {
    res.type('html').setHeader('Cache-Control', 'no-cache');
    res.send(page);
  });
  router.use(DOCS_PATH, docsAssets());
  return router;
}
