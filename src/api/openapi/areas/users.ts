import { ROLES } from '../../../domain/user';
import { createUserBody, deleteUserBody, listUsersQuery, updateUserBody } from '../../technician-management/users/input';
import { USER_PERMISSIONS as P } from '../../technician-management/users/permissions';
import { operation, type Area } from '../builder';
import { pagination } from '../components';
import { array, boolean, dateTime, fromZod, integer, nullable, object, oneOfValues, queryParameters, ref, string, uuid } from '../schema';
import { TAGS, tms, uuidPathParam } from '../../technician-management/openapi';

/** Document 000 user management (src/api/technician-management/users/); shape from presenter.ts. */

const schemas = {
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

export function usersArea(): Area {
  const base = { ...tms, tag: TAGS.users };
  const id = uuidPathParam('user');
  const user = object({ user: ref('TmsUser') });
  return {
    tag: { name: TAGS.users, description: 'Document 000, user management (docs/api/000-users-customers.md).' },
    schemas,
    operations: [
      operation({
        ...base,
        method: 'get',
        path: '/api/users',
        operationId: 'userList',
        summary: 'List users',
        description: 'Newest first.',
        query: queryParameters(listUsersQuery, { search: 'Words of the name or email.', is_active: 'true/false (or 1/0).' }),
        success: [{ status: 200, description: 'A page of users.', schema: object({ users: array(ref('TmsUser')), pagination }) }],
        statuses: [403],
        roles: P.list,
      }),
      operation({
        ...base,
        method: 'post',
        path: '/api/users',
        operationId: 'userCreate',
        summary: 'Create a user',
        description: 'Only a super admin may create a super admin. The email is unique across all users (409 DUPLICATE_ENTRY).',
        idempotencyKey: true,
        body: { required: true, json: fromZod(createUserBody) },
        success: [{ status: 201, description: 'Created.', schema: user, headers: ['ETag', 'Location'] }],
        statuses: [403, 409],
        roles: P.create,
      }),
      operation({
        ...base,
        method: 'get',
        path: '/api/users/{id}',
        operationId: 'userGet',
        summary: 'A user',
        pathParams: id,
        success: [{ status: 200, description: 'The user.', schema: user, headers: ['ETag'] }],
        statuses: [403, 404],
        roles: P.view,
        rolesNote: 'anyone: themself',
      }),
      operation({
        ...base,
        method: 'put',
        path: '/api/users/{id}',
        operationId: 'userUpdate',
        summary: 'Update a user (partial)',
        description:
          'Anyone may change their own profile, and their own password with current_password. is_active needs `deactivate`; nobody changes their own role or deactivates themself. A customer’s login account changes its email, name and phone through PUT /api/customers/{id} (422 here).',
        pathParams: id,
        ifMatch: true,
        body: { required: true, json: fromZod(updateUserBody) },
        success: [{ status: 200, description: 'The user after the change.', schema: user, headers: ['ETag'] }],
        statuses: [403, 404, 409],
        roles: P.update,
        rolesNote: 'anyone: their own profile and password',
      }),
      operation({
        ...base,
        method: 'delete',
        path: '/api/users/{id}',
        operationId: 'userDeactivate',
        summary: 'Deactivate a user (soft delete)',
        description: 'Sets is_active to false; the user’s sessions stop working.',
        pathParams: id,
        body: { required: false, json: fromZod(deleteUserBody) },
        success: [{ status: 200, description: 'The user, deactivated.', schema: user, headers: ['ETag'] }],
        statuses: [403, 404, 409],
        roles: P.deactivate,
      }),
    ],
  };
}
