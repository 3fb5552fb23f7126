import { z } from 'zod';
import { ROLES } from '../../../domain/user';
import { pageQuery, queryBoolean } from '../envelope';

export const emailField = z
  .string({ error: 'The email must be a string.' })
  .trim()
  .toLowerCase()
  .max(254, 'The email may not be greater than 254 characters.')
  .pipe(z.email('The email must be a valid email address.'));

export const nameField = z
  .string({ error: 'The full name must be a string.' })
  .trim()
  .min(1, 'The full name field is required.')
  .max(200, 'The full name may not be greater than 200 characters.');

/** Digits with optional leading +, spaces, dashes, dots and parentheses; 6 to 20 digits. */
export const phoneField = z
  .string({ error: 'The phone must be a string.' })
  .trim()
  .min(1, 'The phone field is required.')
  .max(32, 'The phone may not be greater than 32 characters.')
  .regex(/^\+?[\d\s\-().]+$/, 'The phone may only contain digits, spaces, +, -, ( and ).')
  .refine((p) => {
    const digits = p.replace(/\D/g, '').length;
    return digits >= 6 && digits <= 20;
  }, 'The phone must have between 6 and 20 digits.');

const roleField = z.enum(ROLES, {
  error: (issue) => (issue.input === undefined ? 'The role field is required.' : `The role must be one of: ${ROLES.join(', ')}.`),
});
const passwordField = z
  .string({ error: 'The password must be a string.' })
  .min(8, 'The password must be at least 8 characters.')
  .max(1024, 'The password may not be greater than 1024 characters.');
const avatarField = z
  .string({ error: 'The avatar must be a string.' })
  .trim()
  .max(2048, 'The avatar may not be greater than 2048 characters.');
const departmentField = z
  .string({ error: 'The department must be a string.' })
  .trim()
  .max(100, 'The department may not be greater than 100 characters.');

/** Employee fields (document 003's users): personnel number, position, department and branch ids. */
const pnField = z.string({ error: 'The pn must be a string.' }).trim().max(50, 'The pn may not be greater than 50 characters.');
const positionField = z.string({ error: 'The position must be a string.' }).trim().max(100, 'The position may not be greater than 100 characters.');
const recordId = (name: string) =>
  z.number({ error: `The ${name} must be an integer.` }).int(`The ${name} must be an integer.`).positive(`The selected ${name} is invalid.`);
const employeeFields = {
  pn: pnField.nullable().optional(),
  position: positionField.nullable().optional(),
  department_id: recordId('department id').nullable().optional(),
  branch_id: recordId('branch id').nullable().optional(),
};

export const createUserBody = z.object({
  email: emailField,
  password: passwordField,
  role: roleField,
  profile: z.object(
    {
      full_name: nameField,
      phone: phoneField,
      avatar: avatarField.nullable().optional(),
      department: departmentField.nullable().optional(),
      ...employeeFields,
    },
    { error: 'The profile must be an object.' },
  ),
});

export const updateUserBody = z.object({
  email: emailField.optional(),
  role: roleField.optional(),
  is_active: z.boolean({ error: 'The is active field must be true or false.' }).optional(),
  password: passwordField.optional(),
  current_password: z.string({ error: 'The current password must be a string.' }).optional(),
  profile: z
    .object(
      {
        full_name: nameField.optional(),
        phone: phoneField.optional(),
        avatar: avatarField.nullable().optional(),
        department: departmentField.nullable().optional(),
        ...employeeFields,
      },
      { error: 'The profile must be an object.' },
    )
    .optional(),
});

export const deleteUserBody = z.object({
  reason: z.string({ error: 'The reason must be a string.' }).trim().max(500).optional(),
});

export const listUsersQuery = pageQuery.extend({
  role: roleField.optional(),
  search: z.string({ error: 'The search must be a string.' }).trim().max(200, 'The search may not be greater than 200 characters.').optional(),
  is_active: queryBoolean.optional(),
});
