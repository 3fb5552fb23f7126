import { deciderSpec } from '../../../test/support/decider-spec';
import { branch } from '../branch';
import { category } from '../category';
import { department } from '../department';
import { NotFoundError, ValidationError } from './errors';

const now = '2026-01-15T12:00:00.000Z';

describe('Reference records (branches, departments, categories, ...)', () => {
  const branches = deciderSpec(branch.decider);
  const details = { unitName: 'KCP Sudirman', branchCode: 'JKT001', address: 'Jl. Sudirman 1', mainBranchId: 1 };
  const created = { type: 'BranchCreated', data: { id: 5, uuid: 'b-5', details, createdAt: now } } as const;

  it('creates a record with its integer id and UUID, in the stream <kind>-<id>', () => {
    branches.given([]).when({ type: 'Create', id: 5, uuid: 'b-5', details, invalid: {}, now }).then([created]);
    expect(branch.stream(5)).toBe('branch-5');
    expect(category.stream(2)).toBe('category-2');
  });

  it('refuses references to records that do not exist (the command found them missing)', () => {
    branches
      .given([])
      .when({ type: 'Create', id: 5, uuid: 'b-5', details, invalid: { main_branch_id: ['The selected main branch id is invalid.'] }, now })
      .thenThrows(ValidationError, (e) => expect(e.fields).toEqual({ main_branch_id: ['The selected main branch id is invalid.'] }));
  });

  it('updates the fields that change, nothing otherwise; an unknown record is 404', () => {
    branches.given([created]).when({ type: 'Update', changes: { unitName: 'KCP Thamrin', branchCode: 'JKT001' }, invalid: {}, now }).then([
      { type: 'BranchUpdated', data: { id: 5, changes: { unitName: 'KCP Thamrin' }, updatedAt: now } },
    ]);
    branches.given([created]).when({ type: 'Update', changes: { unitName: 'KCP Sudirman' }, invalid: {}, now }).thenNothing();
    deciderSpec(department.decider).given([]).when({ type: 'Update', changes: { name: 'x' }, invalid: {}, now }).thenThrows(NotFoundError);
  });
});
