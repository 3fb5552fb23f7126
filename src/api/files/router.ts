import { Router } from 'express';
import type { ApiDeps } from '../deps';

/** GET /files/:id with a signed, unexpired URL (see signed-urls.ts). */
export function filesRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/files/:id', async (req, res) => {
    const id = String(req.params.id);
    const ok = deps.fileUrls.verify(id, req.query.expires as string | undefined, req.query.signature as string | undefined);
    const found = ok ? await deps.fileStore.open(id) : null;
    if (!found) {
      res.status(404).json({ message: 'File not found' });
      return;
    }
    res.setHeader('Content-Type', found.file.contentType);
    res.setHeader('Content-Length', String(found.file.size));
    res.setHeader('Content-Disposition', `inline; filename="${found.file.filename.replace(/["\\\r\n]/g, '_')}"`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, max-age=3600');
    found.content.on('error', () => res.destroy());
    found.content.pipe(res);
  });
  return router;
}
