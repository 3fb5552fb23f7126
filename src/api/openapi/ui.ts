import { dirname, join } from 'node:path';
import type { RequestHandler } from 'express';

/**
 * Swagger UI from the swagger-ui-dist package, served by this server (no CDN: the UI works
 * offline). The page and its start-up script are ours; the bundle and stylesheet are the
 * package's files, and only those listed are served.
 */

export const DOCS_PATH = '/docs';
export const DOCUMENT_PATH = '/openapi.json';

const INIT_SCRIPT = 'docs-init.js';
/** Files of swagger-ui-dist the page loads (nothing else of the package is reachable). */
const PACKAGE_FILES = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png', 'favicon-16x16.png'] as const;

export function docsPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ISP operations backend: API</title>
<link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
<link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-16x16.png" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="${DOCS_PATH}/${INIT_SCRIPT}"></script>
</body>
</html>
`;
}

/** Starts the UI on this server's document; `validatorUrl: null` keeps it from calling swagger.io. */
function initScript(): string {
  const options = {
    url: DOCUMENT_PATH,
    dom_id: '#swagger-ui',
    deepLinking: true,
    layout: 'BaseLayout',
    persistAuthorization: true,
    validatorUrl: null,
    docExpansion: 'none',
    tagsSorter: 'alpha',
  };
  return `window.addEventListener('load', function () {
  var options = ${JSON.stringify(options)};
  options.presets = [SwaggerUIBundle.presets.apis];
  window.ui = SwaggerUIBundle(options);
});
`;
}

/** Mounted at /docs: the start-up script and the listed package files; anything else passes on. */
export function docsAssets(): RequestHandler {
  const dir = dirname(require.resolve('swagger-ui-dist/package.json'));
  const script = initScript();
  const files = new Set<string>(PACKAGE_FILES);
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const name = req.path.replace(/^\//, '');
    if (name === INIT_SCRIPT) {
      res.type('application/javascript').setHeader('Cache-Control', 'no-cache');
      res.send(script);
      return;
    }
    if (!files.has(name)) return next();
    res.sendFile(join(dir, name), { maxAge: '1d' }, (err) => {
      if (err && !res.headersSent) next(err);
    });
  };
}
