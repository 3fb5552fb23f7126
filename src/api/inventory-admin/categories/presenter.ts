import type { CategoryDoc, NamedDoc } from '../../../projections/inventory/reference-projector';

/** Read model → document 003's category (bribox) with its parent category. */
export function presentCategory(c: CategoryDoc, parents: Map<number, NamedDoc>) {
  const parent = c.parent_category_id === null ? undefined : parents.get(c.parent_category_id);
  return {
    briboxId: c.bribox_id,
    name: c.name,
    description: c.description,
    category: parent ? { categoryId: parent.id, name: parent.name } : null,
  };
}
