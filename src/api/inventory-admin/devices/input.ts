import { z } from 'zod';
import { pageQuery, searchQuery } from '../envelope';
import { CONDITION_VALUES } from '../vocabulary';

/** Request shapes of document 003's devices (snake_case bodies, camelCase queries). */

const str = (name: string, max: number) =>
  z
    .string({ error: `The ${name} must be a string.` })
    .trim()
    .min(1, `The ${name} field is required.`)
    .max(max, `The ${name} may not be greater than ${max} characters.`);

const spec = (n: number) =>
  z
    .string({ error: `The spec${n} must be a string.` })
    .trim()
    .max(100, `The spec${n} may not be greater than 100 characters.`)
    .nullable()
    .optional()
    .transform((v) => (v === '' ? null : v));

/** ISO 8601: a date, or a timestamp whose date is kept. */
export const isoDate = (name: string) =>
  z
    .string({ error: `The ${name} must be a string.` })
    .trim()
    .refine(
      (s) => /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(s) && !Number.isNaN(Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s)) && new Date(`${s.slice(0, 10)}T00:00:00Z`).toISOString().startsWith(s.slice(0, 10)),
      `The ${name} is not a valid date.`,
    )
    .transform((s) => s.slice(0, 10));

export const conditionField = z.enum(CONDITION_VALUES, { error: 'The selected condition is invalid.' });

export const deviceFields = {
  brand: str('brand', 50),
  brand_name: str('brand name', 50),
  serial_number: str('serial number', 50),
  asset_code: str('asset code', 20),
  bribox_id: str('bribox id', 20),
  condition: conditionField,
  spec1: spec(1),
  spec2: spec(2),
  spec3: spec(3),
  spec4: spec(4),
  spec5: spec(5),
  dev_date: isoDate('dev date').nullable().optional(),
  /** Not in the document: the branch the device is at (an assignment moves it to the holder's). */
  branch_id: z.number({ error: 'The branch id must be an integer.' }).int('The branch id must be an integer.').positive('The branch id must be an integer.').nullable().optional(),
};

export const createDeviceBody = z.object(deviceFields);

export const updateDeviceBody = z.object({
  brand: deviceFields.brand.optional(),
  brand_name: deviceFields.brand_name.optional(),
  serial_number: deviceFields.serial_number.optional(),
  asset_code: deviceFields.asset_code.optional(),
  bribox_id: deviceFields.bribox_id.optional(),
  condition: conditionField.optional(),
  spec1: deviceFields.spec1,
  spec2: deviceFields.spec2,
  spec3: deviceFields.spec3,
  spec4: deviceFields.spec4,
  spec5: deviceFields.spec5,
  dev_date: deviceFields.dev_date,
  branch_id: deviceFields.branch_id,
});

export const listDevicesQuery = pageQuery.extend({
  search: searchQuery.optional(),
  condition: conditionField.optional(),
});
