import { z } from 'zod';
import { defineReferenceRecord } from '../shared/reference-record';

/**
 * Device category (document 003's bribox): its `bribox_id` (a client-given code such as "01",
 * unique, reserved), name, description and parent category (optional). Stream `category-<id>`
 * by an integer id of its own; devices point at that id, so renaming a bribox id keeps them.
 */
export const categoryDetails = z.object({
  briboxId: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  parentCategoryId: z.number().int().positive().nullable(),
});
export type CategoryDetails = z.infer<typeof categoryDetails>;
export const category = defineReferenceRecord('category', 'CategoryCreated', 'CategoryUpdated', categoryDetails, {
  briboxId: '',
  name: '',
  description: null,
  parentCategoryId: null,
});
export const categoryEvents = category.events;
