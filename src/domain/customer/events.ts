import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';

/**
 * The Customer aggregate, shared by the technician API (document 000: full_name, nik, UUID id),
 * the billing API (document 002: nama, no_ktp, integer id, alamat/alamat_2/blok/unit) and the
 * customer portal (document 004: display_name, customer_number, structured address). Events use
 * the canonical names; each API maps them to its vocabulary (docs/api/000-users-customers.md).
 */

export const CUSTOMER_STATUSES = ['pending', 'active', 'suspended', 'cancelled'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

export const CUSTOMER_TYPES = ['residential', 'business', 'enterprise'] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];

/** `line` is the one-line address every document has; the parts are optional refinements. */
export const addressSchema = z.object({
  line: z.string(),
  line2: z.string().nullable(),
  block: z.string().nullable(),
  unit: z.string().nullable(),
  city: z.string().nullable(),
  province: z.string().nullable(),
  postalCode: z.string().nullable(),
  country: z.string().nullable(),
});
export type Address = z.infer<typeof addressSchema>;

export const coordinatesSchema = z.object({ lat: z.number(), lng: z.number() });
export type Coordinates = z.infer<typeof coordinatesSchema>;

/** Everything about a customer that can be changed after registration. */
export const customerDetailsSchema = z.object({
  fullName: z.string(),
  phone: z.string(),
  email: z.string().nullable(),
  /** National id: 000 `nik`, 002 `no_ktp`. */
  nationalId: z.string().nullable(),
  address: addressSchema,
  coordinates: coordinatesSchema.nullable(),
  serviceArea: z.string().nullable(),
  servicePackage: z.string().nullable(),
  /** 002 `id_brand`. */
  brand: z.string().nullable(),
  /** YYYY-MM-DD. */
  installationDate: z.string().nullable(),
  customerType: z.enum(CUSTOMER_TYPES).nullable(),
  /** 004 `service_address`: where the service is, when it is not the address ("Same as billing"). Absent on older customers. */
  serviceAddress: z.string().nullable().optional(),
});
export type CustomerDetails = z.infer<typeof customerDetailsSchema>;
export type CustomerField = keyof CustomerDetails;
export const CUSTOMER_FIELDS = Object.keys(customerDetailsSchema.shape) as CustomerField[];

export const CustomerRegistered = defineEvent(
  'CustomerRegistered',
  customerDetailsSchema.extend({
    customerId: z.string(),
    /** From the `customer` sequence: document 002's integer id. */
    number: z.number().int().positive(),
    /** CUST-000001. */
    code: z.string(),
    /** The customer's own login account (a User with role `customer`), if any. */
    userId: z.string().nullable(),
    status: z.enum(CUSTOMER_STATUSES),
    registeredAt: z.string(),
  }),
);

/** Only the fields that changed, with their values before the change. */
export const CustomerUpdated = defineEvent(
  'CustomerUpdated',
  z.object({
    customerId: z.string(),
    changes: customerDetailsSchema.partial(),
    previous: customerDetailsSchema.partial(),
    updatedAt: z.string(),
  }),
);

/**
 * The customer's account is closed (document 002 `DELETE /api/pelanggan/{id}`): the customer
 * leaves every list and read and its personal fields are erased from the read models; its
 * stream, like every stream, stays in the log for auditors. `userId` is its login account, if any.
 */
export const CustomerClosed = defineEvent(
  'CustomerClosed',
  z.object({
    customerId: z.string(),
    number: z.number().int().positive(),
    userId: z.string().nullable(),
    reason: z.string().nullable(),
    closedAt: z.string(),
  }),
);

export const customerEvents = [CustomerRegistered, CustomerUpdated, CustomerClosed];

export type CustomerEvent = EventOf<typeof CustomerRegistered> | EventOf<typeof CustomerUpdated> | EventOf<typeof CustomerClosed>;

export const customerStream = (customerId: string): string => `customer-${customerId}`;
