import { z } from 'zod';
import { defineReferenceRecord } from '../shared/reference-record';

/** Main branch (document 003's `mainBranch` of a branch): `{ name }`. Stream `main_branch-<id>`. */
export const mainBranchDetails = z.object({ name: z.string() });
export type MainBranchDetails = z.infer<typeof mainBranchDetails>;
export const mainBranch = defineReferenceRecord('main_branch', 'MainBranchCreated', 'MainBranchUpdated', mainBranchDetails, { name: '' });
export const mainBranchEvents = mainBranch.events;
