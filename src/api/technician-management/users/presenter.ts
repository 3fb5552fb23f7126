import { employeeFieldsOf } from '../../../domain/user';
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
