import { Router } from 'express';
import { addTicketAttachment } from '../../../commands/tickets';
import { ValidationError } from '../../../domain/shared/errors';
import { authenticate } from '../../http/authenticate';
import { metaFor, requireAuth } from '../../http/context';
import { idempotent } from '../../http/idempotency';
import { singleFileUpload } from '../../http/uploads';
import { validate } from '../../http/validation';
import { declareRoutes, route } from '../../http/route';
import { object, ref } from '../../openapi/schema';
import { TAGS, tms } from '../openapi';
import { MOBILE_SCHEMAS, uploadForm } from './schemas';
import { fileUrlFor, settle, type ApiDeps } from '../../deps';
import { ok } from '../envelope';
import { tmsErrorHandler } from '../errors';
import { permit } from '../permissions';
import { visibleTicket } from '../tickets/access';
import { syncBody, uploadBody } from './input';
import { MOBILE_PERMISSIONS as P } from './permissions';
import { syncTechnician } from './sync';
import { parseLastSync } from './sync-token';

const base = { ...tms, tag: TAGS.mobile };

/**
 * Document 000 "Mobile-Specific Endpoints", mounted at /api/mobile: the technician's offline
 * sync (what changed since the last sync token) and file uploads (photos, documents,
 * signatures) streamed to the file store and optionally attached to a ticket.
 */
export function mobileRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(authenticate(deps, 'staff'));

  declareRoutes(
    router,
    [
      route({
        method: 'post',
        path: '/sync',
        body: syncBody,
        bodyLimit: '16kb',
        before: [permit(P, 'sync')],
        doc: {
          ...base,
          operationId: 'mobileSync',
          summary: 'What changed for the calling technician since the last sync',
          description: 'last_sync: absent, null or "" for a first sync; a sync_token from a previous answer; or an ISO-8601 timestamp with a time zone. Anything else (or another account’s token) is 422.',
          success: [{ status: 200, description: 'The changes and the next sync token.', schema: ref('TmsMobileSync') }],
          statuses: [403],
          roles: P.sync,
        },
        handle: async (req, res, { body }) => {
          const auth = requireAuth(req);
          const start = parseLastSync(body.last_sync, auth.userId);
          deps.logger.debug({ reqId: req.ctx.requestId, userId: auth.userId, device: body.device_info, start: start.kind }, 'mobile sync');
          ok(res, await syncTechnician(deps, auth.userId, start, fileUrlFor(deps, req)));
        },
      }),
      route({
        method: 'post',
        path: '/upload',
        before: [
          permit(P, 'upload'),
          singleFileUpload({ fileStore: deps.fileStore, ids: deps.commands.ids, clock: deps.commands.clock }, { field: 'file', maxBytes: deps.settings.uploadMaxBytes, accept: ['image', 'document'] }),
        ],
        after: [idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger })],
        doc: {
          ...base,
          operationId: 'mobileUpload',
          summary: 'Upload a photo, document or signature (optionally onto a ticket)',
          description:
            'Streamed to the file store; the kind is taken from the first bytes, not the declared type. With ticket_id the file is attached to the ticket, which the caller must be able to see (404 otherwise) and which must not be closed (422). A refused upload leaves no file behind.',
          idempotencyKey: true,
          // The form's fields are validated in the handler, after the file was streamed (a refused upload deletes it).
          multipart: { schema: uploadForm() },
          success: [{ status: 201, description: 'Stored.', schema: object({ file: ref('TmsUploadedFile') }) }],
          statuses: [403, 404, 409, 422],
          roles: P.upload,
        },
        handle: async (req, res) => {
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
      }),
    ],
    {
      tags: [{ name: TAGS.mobile, description: 'Document 000, offline sync and uploads for the field app (docs/api/000-notifications-realtime-mobile.md).' }],
      schemas: MOBILE_SCHEMAS,
    },
  );

  router.use(tmsErrorHandler(deps.logger));
  return router;
}
