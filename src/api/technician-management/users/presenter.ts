import { employeeFieldsOf, ROLES } from '../../../domain/user';
import { boolean, dateTime, integer, nullable, object, oneOfValues, string, uuid } from '../../openapi/schema';
import type { SchemaObject } from '../../openapi/types';
import type { UserDoc } from '../../../projections/users/projector';

/** Document 000's user: `{ id, email, role, is_active, profile, created_at, updated_at }`; the profile carries the employee fields document 003 shows. */
export function presentUser(doc: UserDoc) {
  return {
    id: doc._id,
    email: doc.email,
    role: doc.role,
    is_active: doc.is_active,
    profile: {
      full_name: doc.profile.full_name,
      phone: doc.profile.phone,
      avatar: doc.profile.avatar,
      department: doc.profile.department,
      // Employee fields (document 003): null when never set.
      ...employeeFieldsOf(doc.profile),
    },
    created_at: doc.created_at,
    updated_at: doc.updated_at,
  };
}

/** The OpenAPI schema of what presentUser writes. */
export const USER_SCHEMAS: Record<string, SchemaObject> = {
  TmsUser: object({
    id: uuid(),
    email: string(),
    role: oneOfValues(ROLES),
    is_active: boolean(),
    profile: object({
      full_name: string(),
      phone: nullable(string()),
      avatar: nullable(string()),
      department: nullable(string()),
      pn: nullable(string('Personnel number (document 003).')),
      position: nullable(string('Position (document 003).')),
      department_id: nullable(integer('Department record (document 003 /api/v1/admin/departments).')),
      branch_id: nullable(integer('Branch record (document 003 /api/v1/admin/branches).')),
    }),
    created_at: dateTime(),
    updated_at: dateTime(),
  }),
};
