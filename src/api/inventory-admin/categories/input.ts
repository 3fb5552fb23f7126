import { z } from 'zod';

/** Bodies of POST/PUT /api/v1/admin/categories (briboxes). */
const text = (name: string, max: number) =>
  z
    .string({ error: `The ${name} must be a string.` })
    .trim()
    .min(1, `The ${name} field is required.`)
    .max(max, `The ${name} may not be greater than ${max} characters.`);

const fields = {
  bribox_id: text('bribox id', 20),
  name: text('name', 100),
  description: z
    .string({ error: 'The description must be a string.' })
    .trim()
    .max(500, 'The description may not be greater than 500 characters.')
    .nullable()
    .optional()
    .transform((v) => (v === '' ? null : v)),
  category_id: z
    .number({ error: 'The category id must be an integer.' })
    .int('The category id must be an integer.')
    .positive('The selected category id is invalid.')
    .nullable()
    .optional(),
};

export const createCategoryBody = z.object(fields);
export const updateCategoryBody = z.object({
  bribox_id: fields.bribox_id.optional(),
  name: fields.name.optional(),
  description: fields.description,
  category_id: fields.category_id,
});

/** A bribox id in the path. */
export const briboxParams = z.object({ briboxId: z.string().min(1).max(20).describe('The bribox id (e.g. "01").') });
