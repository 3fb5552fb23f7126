import { Router, type ErrorRequestHandler } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../domain/shared/errors';
import { declareRoutes, route } from '../http/route';
import { ref } from '../openapi/schema';
import type { ApiDeps } from '../deps';

export const PLATFORM_TAG = 'Platform';

/** A link that names no file (unknown, or a missing, wrong or expired signature): `{ message }`. */
const notFound = { message: 'File not found' };

/** GET /files/:id with a signed, unexpired URL (see signed-urls.ts). */
export function filesRouter(deps: ApiDeps): Router {
  const router = Router();
  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/files/:id',
        params: z.object({ id: z.string().min(1).max(200).describe('The file id.') }),
        query: z.object({
          expires: z.string().regex(/^\d{1,12}$/).describe('Unix seconds.'),
          signature: z.string().min(1).max(200).describe('HMAC of the id and expiry.'),
        }),
        invalidQuery: 'not_found',
        entity: 'File',
        doc: {
          tag: PLATFORM_TAG,
          auth: false,
          envelope: 'none',
          errors: 'auth',
          operationId: 'fileGet',
          summary: 'An uploaded file, by a signed and expiring link',
          description: 'Links come from the API (photo_url, attachment and upload urls). An unknown file, or a missing, wrong or expired signature, is 404 `{ message }`.',
          validates: false,
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
        },
        handle: async (_req, res, { params: { id }, query }) => {
          const found = deps.fileUrls.verify(id, query.expires, query.signature) ? await deps.fileStore.open(id) : null;
          if (!found) {
            res.status(404).json(notFound);
            return;
          }
          res.setHeader('Content-Type', found.file.contentType);
          res.setHeader('Content-Length', String(found.file.size));
          res.setHeader('Content-Disposition', `inline; filename="${found.file.filename.replace(/["\\\r\n]/g, '_')}"`);
          res.setHeader('X-Content-Type-Options', 'nosniff');
          res.setHeader('Cache-Control', 'private, max-age=3600');
          found.content.on('error', () => res.destroy());
          found.content.pipe(res);
        },
      }),
    ],
    { tags: [{ name: PLATFORM_TAG, description: 'Health, metrics, signed file links and this documentation.' }] },
  );
  const fileErrors: ErrorRequestHandler = (err, _req, res, next) => {
    if (err instanceof NotFoundError) res.status(404).json(notFound);
    else next(err);
  };
  router.use('/files', fileErrors);
  return router;
}
