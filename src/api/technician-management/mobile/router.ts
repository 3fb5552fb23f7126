import express, { Router } from 'express';
import { addTicketAttachment } from '../../../commands/tickets';
import { ValidationError } from '../../../domain/shared/errors';
import { authenticate } from '../../http/authenticate';
import { metaFor, requireAuth } from '../../http/context';
import { idempotent } from '../../http/idempotency';
import { singleFileUpload } from '../../http/uploads';
import { validate } from '../../http/validation';
import { fileUrlFor, settle, type ApiDeps } from '../../deps';
import { ok } from '../envelope';
import { tmsErrorHandler } from '../errors';
import { permit } from '../permissions';
import { visibleTicket } from '../tickets/access';
import { syncBody, uploadBody } from './input';
import { MOBILE_PERMISSIONS as P } from './permissions';
import { syncTechnician } from './sync';
import { parseLastSync } from './sync-token';

const json = express.json({ limit: '16kb' });

/**
 * Document 000 "Mobile-Specific Endpoints", mounted at /api/mobile: the technician's offline
 * sync (what changed since the last sync token) and file uploads (photos, documents,
 * signatures) streamed to the file store and optionally attached to a ticket.
 */
export function mobileRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(authenticate(deps, 'staff'));

  router.post('/sync', permit(P, 'sync'), json, async (req, res) => {
    const auth = requireAuth(req);
    const body = validate(syncBody, req.body ?? {});
    const start = parseLastSync(body.last_sync, auth.userId);
    deps.logger.debug({ reqId: req.ctx.requestId, userId: auth.userId, device: body.device_info, start: start.kind }, 'mobile sync');
    ok(res, await syncTechnician(deps, auth.userId, start, fileUrlFor(deps, req)));
  });

  router.post(
    '/upload',
    permit(P, 'upload'),
    singleFileUpload({ fileStore: deps.fileStore, ids: deps.commands.ids, clock: deps.commands.clock }, { field: 'file', maxBytes: deps.settings.uploadMaxBytes, accept: ['image', 'document'] }),
    idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger }),
    async (req, res) => {
      const auth = requireAuth(req);
      const file = req.storedFile;
      let attachmentId: string | null = null;
      let ticketId: string | null = null;
      try {
        const body = validate(uploadBody, req.body ?? {});
        if (!file) throw new ValidationError({ file: ['The file field is required.'] });
        if (body.type !== 'document' && !file.contentType.startsWith('image/')) {
          throw new ValidationError({ file: [`A ${body.type} must be an image (JPEG, PNG, GIF or WebP).`] });
        }
        if (body.ticket_id) {
          // Only a ticket the caller can see (a technician: one assigned to them); 404 otherwise.
          await visibleTicket(deps, auth, body.ticket_id);
          ticketId = body.ticket_id;
          const attached = await addTicketAttachment(
            deps.commands,
            ticketId,
            // The event keeps the file's stable address; readers sign it when they show it.
            { fileId: file.id, filename: file.filename, url: `/files/${file.id}`, type: body.type },
            { userId: auth.userId, role: auth.role },
            metaFor(req),
          );
          attachmentId = attached.attachmentId;
          await settle(deps, req, attached.result.position);
        }
        ok(
          res,
          {
            file: {
              id: file.id,
              filename: file.filename,
              url: fileUrlFor(deps, req)(file.id),
              type: body.type,
              size: file.size,
              content_type: file.contentType,
              ticket_id: ticketId,
              attachment_id: attachmentId,
            },
          },
          201,
        );
      } catch (err) {
        // A refused upload leaves nothing behind (unless the attachment was recorded).
        if (file && attachmentId === null) await deps.fileStore.delete(file.id);
        throw err;
      }
    },
  );

  router.use(tmsErrorHandler(deps.logger));
  return router;
}
