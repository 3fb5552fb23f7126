import { syncBody, uploadBody, UPLOAD_TYPES } from '../../technician-management/mobile/input';
import { MOBILE_PERMISSIONS as P } from '../../technician-management/mobile/permissions';
import { operation, type Area } from '../builder';
import { array, boolean, dateTime, fromZod, integer, nullable, object, oneOfValues, ref, string, uuid } from '../schema';
import type { SchemaObject } from '../types';
import { TAGS, tms } from '../../technician-management/openapi';

/** Document 000 mobile endpoints (src/api/technician-management/mobile/): router.ts and sync.ts. */

const schemas = {
  TmsMobileSync: object({
    tickets: array(ref('TmsTicketDetail'), 'Tickets assigned to the technician that changed in the range, as they are now.'),
    comments: array(
      object({
        id: uuid(),
        ticket_id: uuid(),
        user: ref('TmsTicketPerson'),
        comment: string(),
        attachments: array(string()),
        created_at: dateTime(),
      }),
      'Comments added in the range to tickets assigned to the technician.',
    ),
    notifications: array(ref('TmsNotification'), 'Notifications created or read in the range.'),
    removed_ticket_ids: array(uuid(), 'Tickets reassigned away in the range: drop them (empty on a first sync).'),
    sync_token: string('Send it as last_sync next time.'),
    full_sync: boolean('A first sync: replace local data rather than merge.'),
    server_time: dateTime(),
  }),
  TmsUploadedFile: object({
    id: uuid(),
    filename: string(),
    url: string('A signed, expiring link (GET /files/{id}).'),
    type: oneOfValues(UPLOAD_TYPES),
    size: integer('Bytes.'),
    content_type: string('As recognised from the first bytes.'),
    ticket_id: nullable(uuid()),
    attachment_id: nullable(uuid()),
  }),
};

/** The multipart form: the zod schema's fields and the file. */
function uploadForm(): SchemaObject {
  const fields = fromZod(uploadBody);
  return {
    ...fields,
    properties: {
      ...(fields.properties as Record<string, SchemaObject>),
      file: { type: 'string', format: 'binary', description: 'photo and signature: an image (JPEG, PNG, GIF, WebP); document: a PDF or an image. At most UPLOAD_MAX_BYTES.' },
    },
    required: [...((fields.required ?? []) as string[]), 'file'],
  };
}

export function mobileArea(): Area {
  const base = { ...tms, tag: TAGS.mobile };
  return {
    tag: { name: TAGS.mobile, description: 'Document 000, offline sync and uploads for the field app (docs/api/000-notifications-realtime-mobile.md).' },
    schemas,
    operations: [
      operation({
        ...base,
        method: 'post',
        path: '/api/mobile/sync',
        operationId: 'mobileSync',
        summary: 'What changed for the calling technician since the last sync',
        description: 'last_sync: absent, null or "" for a first sync; a sync_token from a previous answer; or an ISO-8601 timestamp with a time zone. Anything else (or another account’s token) is 422.',
        body: { required: true, json: fromZod(syncBody) },
        success: [{ status: 200, description: 'The changes and the next sync token.', schema: ref('TmsMobileSync') }],
        statuses: [403],
        roles: P.sync,
      }),
      operation({
        ...base,
        method: 'post',
        path: '/api/mobile/upload',
        operationId: 'mobileUpload',
        summary: 'Upload a photo, document or signature (optionally onto a ticket)',
        description:
          'Streamed to the file store; the kind is taken from the first bytes, not the declared type. With ticket_id the file is attached to the ticket, which the caller must be able to see (404 otherwise) and which must not be closed (422). A refused upload leaves no file behind.',
        idempotencyKey: true,
        body: { required: true, multipart: { schema: uploadForm() } },
        success: [{ status: 201, description: 'Stored.', schema: object({ file: ref('TmsUploadedFile') }) }],
        statuses: [403, 404, 409],
        roles: P.upload,
      }),
    ],
  };
}
