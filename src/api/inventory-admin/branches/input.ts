import { z } from 'zod';

/** Bodies of POST/PUT /api/v1/admin/branches (snake_case, as document 003's device bodies). */
const text = (name: string, max: number) =>
  z
    .string({ error: `The ${name} must be a string.` })
    .trim()
    .min(1, `The ${name} field is required.`)
    .max(max, `The ${name} may not be greater than ${max} characters.`);

export const branchFields = {
  unit_name: text('unit name', 100),
  branch_code: text('branch code', 20),
  address: z
    .string({ error: 'The address must be a string.' })
    .trim()
    .max(255, 'The address may not be greater than 255 characters.')
    .nullable()
    .optional()
    .transform((v) => (v === '' ? null : v)),
  main_branch_id: z
    .number({ error: 'The main branch id must be an integer.' })
    .int('The main branch id must be an integer.')
    .positive('The selected main branch id is invalid.')
    .nullable()
    .optional(),
};

export const createBranchBody = z.object(branchFields);
export const updateBranchBody = z.object({
  unit_name: branchFields.unit_name.optional(),
  branch_code: branchFields.branch_code.optional(),
  address: branchFields.address,
  main_branch_id: branchFields.main_branch_id,
});
