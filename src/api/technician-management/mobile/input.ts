import { z } from 'zod';

/** Request shapes of the mobile area (document 000 field names). */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const text = (name: string, max: number) =>
  z
    .string({ error: `The ${name} must be a string.` })
    .trim()
    .min(1, `The ${name} field is required.`)
    .max(max, `The ${name} may not be longer than ${max} characters.`);

export const syncBody = z.object({
  last_sync: z.string({ error: 'The last sync must be a string.' }).max(512, 'The last sync is too long.').nullish(),
  device_info: z.object(
    {
      platform: text('device info platform', 50),
      version: text('device info version', 50),
      device_id: text('device info device id', 200),
    },
    { error: 'The device info must be an object.' },
  ),
});

export const UPLOAD_TYPES = ['photo', 'document', 'signature'] as const;
export type UploadType = (typeof UPLOAD_TYPES)[number];

/** The multipart fields besides the file. */
export const uploadBody = z.object({
  type: z.enum(UPLOAD_TYPES, {
    error: (issue) =>
      issue.input === undefined ? 'The type field is required.' : `The selected type is invalid (one of: ${UPLOAD_TYPES.join(', ')}).`,
  }),
  ticket_id: z
    .string({ error: 'The ticket id must be a string.' })
    .trim()
    .transform((s) => (s === '' ? undefined : s))
    .pipe(z.string().regex(UUID, 'The ticket id must be a valid UUID.').transform((s) => s.toLowerCase()).optional())
    .optional(),
});
