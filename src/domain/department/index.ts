import { z } from 'zod';
import { defineReferenceRecord } from '../shared/reference-record';

/** Department (document 003's `department` of a user): `{ name }`. Stream `department-<id>`. */
export const departmentDetails = z.object({ name: z.string() });
export type DepartmentDetails = z.infer<typeof departmentDetails>;
export const department = defineReferenceRecord('department', 'DepartmentCreated', 'DepartmentUpdated', departmentDetails, { name: '' });
export const departmentEvents = department.events;
