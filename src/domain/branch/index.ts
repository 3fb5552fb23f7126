import { z } from 'zod';
import { defineReferenceRecord } from '../shared/reference-record';

/**
 * Branch (document 003): unit name, branch code (unique, reserved), address and the main branch
 * it belongs to (optional). Stream `branch-<id>`. Users (employees) and assignments are at a branch.
 */
export const branchDetails = z.object({
  unitName: z.string(),
  branchCode: z.string(),
  address: z.string().nullable(),
  mainBranchId: z.number().int().positive().nullable(),
});
export type BranchDetails = z.infer<typeof branchDetails>;
export const branch = defineReferenceRecord('branch', 'BranchCreated', 'BranchUpdated', branchDetails, {
  unitName: '',
  branchCode: '',
  address: null,
  mainBranchId: null,
});
export const branchEvents = branch.events;
