import { pageQuery, queryId, searchQuery } from '../envelope';

/** GET /api/v1/admin/users */
export const listUsersQuery = pageQuery.extend({
  search: searchQuery.optional(),
  departmentId: queryId('department id').optional(),
  branchId: queryId('branch id').optional(),
});
