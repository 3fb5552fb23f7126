import { z } from 'zod';
import { pageQuery, queryBoolean, queryId, searchQuery } from '../envelope';
import { STATUS_VALUES } from '../vocabulary';
import { isoDate } from '../devices/input';

/** Request shapes of document 003's device assignments. */

const statusField = z.enum(STATUS_VALUES, { error: 'The selected status is invalid.' });
const notes = z
  .string({ error: 'The notes must be a string.' })
  .trim()
  .max(500, 'The notes may not be greater than 500 characters.')
  .nullable()
  .optional()
  .transform((v) => (v === '' ? null : v));
const bodyId = (name: string) =>
  z.number({ error: `The ${name} must be an integer.` }).int(`The ${name} must be an integer.`).positive(`The selected ${name} is invalid.`);

export const createAssignmentBody = z.object({
  device_id: bodyId('device id'),
  user_id: bodyId('user id'),
  assigned_date: isoDate('assigned date'),
  status: statusField.default('Digunakan'),
  notes,
});

export const updateAssignmentBody = z.object({
  status: statusField.optional(),
  notes,
  returned_date: isoDate('returned date').optional(),
});

export const returnBody = z.object({
  returned_date: isoDate('returned date').optional(),
  return_notes: z
    .string({ error: 'The return notes must be a string.' })
    .trim()
    .max(500, 'The return notes may not be greater than 500 characters.')
    .nullable()
    .optional()
    .transform((v) => (v === '' ? null : v)),
});

export const listAssignmentsQuery = pageQuery.extend({
  search: searchQuery.optional(),
  status: statusField.optional(),
  branchId: queryId('branch id').optional(),
  activeOnly: queryBoolean('active only').optional(),
});
