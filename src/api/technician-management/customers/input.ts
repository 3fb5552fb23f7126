import { z } from 'zod';
import { CUSTOMER_TYPES, isCalendarDate } from '../../../domain/customer';
import { ValidationError } from '../../../domain/shared/errors';
import { pageQuery } from '../envelope';
import { emailField, nameField, phoneField } from '../users/input';

const text = (label: string, max: number) =>
  z
    .string({ error: `The ${label} must be a string.` })
    .trim()
    .max(max, `The ${label} may not be greater than ${max} characters.`);
const required = (label: string, max: number) => text(label, max).min(1, `The ${label} field is required.`);
/** Optional text: absent leaves it alone, null or "" clears it. */
const optionalText = (label: string, max: number) =>
  text(label, max)
    .nullable()
    .optional()
    .transform((v) => (v === '' ? null : v));

/** Indonesian NIK: 16 digits; null or "" clears it. */
const nikField = z
  .string({ error: 'The nik must be a string.' })
  .trim()
  .refine((v) => v === '' || /^\d{16}$/.test(v), 'The nik must be 16 digits.')
  .transform((v) => (v === '' ? null : v))
  .nullable()
  .optional();

const coordinatesField = z.object(
  {
    lat: z
      .number({ error: 'The latitude must be a number.' })
      .min(-90, 'The latitude must be between -90 and 90.')
      .max(90, 'The latitude must be between -90 and 90.'),
    lng: z
      .number({ error: 'The longitude must be a number.' })
      .min(-180, 'The longitude must be between -180 and 180.')
      .max(180, 'The longitude must be between -180 and 180.'),
  },
  { error: 'The coordinates must be an object with lat and lng.' },
);

const addressPartsField = z
  .object(
    {
      line2: optionalText('address line 2', 200),
      block: optionalText('block', 50),
      unit: optionalText('unit', 50),
      city: optionalText('city', 100),
      province: optionalText('province', 100),
      postal_code: optionalText('postal code', 20),
      country: optionalText('country', 100),
    },
    { error: 'The address parts must be an object.' },
  )
  .optional();

const installationDateField = z
  .string({ error: 'The installation date must be a string.' })
  .refine(isCalendarDate, 'The installation date must be a date (YYYY-MM-DD).')
  .nullable()
  .optional();

const customerTypeField = z
  .enum(CUSTOMER_TYPES, { error: `The customer type must be one of: ${CUSTOMER_TYPES.join(', ')}.` })
  .nullable()
  .optional();

/** Document 000's body, plus the canonical fields the other documents use (all optional). */
export const createCustomerBody = z.object({
  full_name: nameField,
  phone: phoneField,
  email: emailField,
  nik: nikField,
  address: required('address', 500),
  coordinates: coordinatesField,
  service_area: required('service area', 100),
  service_package: optionalText('service package', 100),
  address_parts: addressPartsField,
  brand: optionalText('brand', 100),
  installation_date: installationDateField,
  customer_type: customerTypeField,
});

/** Partial update: the same fields and rules; required fields may not be cleared. */
export const updateCustomerBody = z.object({
  full_name: nameField.optional(),
  phone: phoneField.optional(),
  email: emailField.optional(),
  nik: nikField,
  address: required('address', 500).optional(),
  coordinates: coordinatesField.optional(),
  service_area: required('service area', 100).optional(),
  service_package: optionalText('service package', 100),
  address_parts: addressPartsField,
  brand: optionalText('brand', 100),
  installation_date: installationDateField,
  customer_type: customerTypeField,
});

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * created_from / created_to: a date (YYYY-MM-DD, a whole UTC day, inclusive) or an ISO-8601
 * date-time (an exact instant). Returns the inclusive created_at bound as an ISO string.
 */
function dateBound(edge: 'start' | 'end') {
  return z
    .string({ error: 'The date must be a string.' })
    .trim()
    .refine(
      (v) => (isCalendarDate(v) ? true : ISO_DATE_TIME.test(v) && !Number.isNaN(Date.parse(v))),
      'The date must be a date (YYYY-MM-DD) or an ISO-8601 date-time.',
    )
    .transform((v) => {
      if (isCalendarDate(v)) return `${v}T${edge === 'start' ? '00:00:00.000' : '23:59:59.999'}Z`;
      return new Date(Date.parse(v)).toISOString();
    });
}

export const listCustomersQuery = pageQuery.extend({
  search: text('search', 200).optional(),
  service_area: text('service area', 100).optional(),
  created_from: dateBound('start').optional(),
  created_to: dateBound('end').optional(),
});

/** After the fields themselves are valid: the range may not end before it starts. */
export function checkCreatedRange(q: { created_from?: string; created_to?: string }): void {
  if (q.created_from && q.created_to && q.created_from > q.created_to) {
    throw new ValidationError({ created_to: ['The created to must be a date after or equal to created from.'] });
  }
}

