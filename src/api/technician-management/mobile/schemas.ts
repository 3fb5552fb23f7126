import { array, boolean, dateTime, fromZod, integer, nullable, object, oneOfValues, ref, string, uuid } from '../../openapi/schema';
import type { SchemaObject } from '../../openapi/types';
import { uploadBody, UPLOAD_TYPES } from './input';

/** The OpenAPI side of document 000's mobile endpoints (router.ts, sync.ts). */

/** What the sync (sync.ts) and the upload answer. */
export const MOBILE_SCHEMAS: Record<string, SchemaObject> = {
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
export function uploadForm(): SchemaObject {
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
