import { INVENTORY_ADMIN_ERROR_STYLE } from './errors';
import { INVENTORY_ADMIN_SCHEMAS } from './schemas';

/** What every document 003 operation shares in the OpenAPI document. */
export const TAG = '003 · Inventory (admin)';
export const base = { tag: TAG, errors: 'inventoryAdmin' as const, envelope: 'none' as const, auth: true };
/** Every 003 route: admins only (403), 100 requests a minute per user (429). */
export const ALWAYS = [403, 429] as const;

export const components = {
  tags: [
    {
      name: TAG,
      description:
        'Document 003, Mobile Inventory App admin endpoints at /api/v1/admin (docs/api/003-inventory.md): `{ data }`, lists with `meta: { currentPage, lastPage, total }`, errors `{ message, errorCode, errors }`, camelCase answers, snake_case bodies, integer ids. Admin only; 100 requests per minute per user.',
    },
  ],
  schemas: INVENTORY_ADMIN_SCHEMAS,
  errorStyles: INVENTORY_ADMIN_ERROR_STYLE,
};
