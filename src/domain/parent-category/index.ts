import { z } from 'zod';
import { defineReferenceRecord } from '../shared/reference-record';

/** Parent category (document 003's `category` of a bribox): `{ name }`. Stream `parent_category-<id>`. */
export const parentCategoryDetails = z.object({ name: z.string() });
export type ParentCategoryDetails = z.infer<typeof parentCategoryDetails>;
export const parentCategory = defineReferenceRecord(
  'parent_category',
  'ParentCategoryCreated',
  'ParentCategoryUpdated',
  parentCategoryDetails,
  { name: '' },
);
export const parentCategoryEvents = parentCategory.events;
