import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';

/**
 * Device: a serialised asset (document 003's devices; the serial numbers of document 000's
 * equipment assignments). Custody is part of the device: who holds it, from when, for which
 * ticket, until it is returned and in what condition; the device's stream is the consistency
 * boundary for "a device has at most one active assignment" (docs/api/003-inventory.md).
 *
 * Canonical vocabulary (DESIGN.md section 5); documents map it in their presenters:
 *  - condition: good | damaged | needs_check (003: Baik | Rusak | Perlu Pengecekan)
 *  - usage of an assignment: in_use | not_in_use | spare (003: Digunakan | Tidak Digunakan | Cadangan)
 *  - condition a device comes back in: good | damaged | lost (000's return condition)
 */
export const DEVICE_CONDITIONS = ['good', 'damaged', 'needs_check'] as const;
export type DeviceCondition = (typeof DEVICE_CONDITIONS)[number];
export const ASSIGNMENT_USAGES = ['in_use', 'not_in_use', 'spare'] as const;
export type AssignmentUsage = (typeof ASSIGNMENT_USAGES)[number];
export const RETURN_CONDITIONS = ['good', 'damaged', 'lost'] as const;
export type ReturnCondition = (typeof RETURN_CONDITIONS)[number];

const nullableText = z.string().nullable();
/** YYYY-MM-DD */
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const deviceDetailsSchema = z.object({
  brand: z.string(),
  /** 003's brand_name: the model or series. */
  model: z.string(),
  serialNumber: z.string(),
  assetCode: z.string(),
  /** The category (003's bribox): the integer id of its record. */
  categoryId: z.number().int().positive(),
  condition: z.enum(DEVICE_CONDITIONS),
  spec1: nullableText,
  spec2: nullableText,
  spec3: nullableText,
  spec4: nullableText,
  spec5: nullableText,
  /** Purchase (003: development) date. */
  purchaseDate: day.nullable(),
  /** The branch (integer id) the device is at; an assignment moves it to the holder's branch. */
  branchId: z.number().int().positive().nullable(),
});
export type DeviceDetails = z.infer<typeof deviceDetailsSchema>;

/** The holder of an assignment: the user's UUID and the integer id document 003 names them by. */
export const holderSchema = z.object({ userId: z.string(), number: z.number().int().positive() });
export type Holder = z.infer<typeof holderSchema>;

export const DeviceRegistered = defineEvent(
  'DeviceRegistered',
  z.object({ deviceId: z.string(), number: z.number().int().positive(), details: deviceDetailsSchema, registeredAt: z.string() }),
);
export const DeviceUpdated = defineEvent(
  'DeviceUpdated',
  z.object({ deviceId: z.string(), changes: deviceDetailsSchema.partial(), updatedAt: z.string() }),
);
export const DeviceDeleted = defineEvent(
  'DeviceDeleted',
  z.object({ deviceId: z.string(), reason: z.enum(['deleted', 'lost']), deletedAt: z.string() }),
);
export const DeviceAssigned = defineEvent(
  'DeviceAssigned',
  z.object({
    deviceId: z.string(),
    assignmentId: z.string(),
    assignmentNumber: z.number().int().positive(),
    holder: holderSchema,
    categoryId: z.number().int().positive(),
    /** The branch the assignment is at (the holder's branch, else the device's). */
    branchId: z.number().int().positive().nullable(),
    assignedDate: day,
    usage: z.enum(ASSIGNMENT_USAGES),
    notes: nullableText,
    /** The ticket the device was handed over for (document 000), if any. */
    ticketId: z.string().nullable(),
    /** Document 000's equipment assignment this device was handed over with, if any. */
    handoverId: z.string().nullable(),
    assignedAt: z.string(),
  }),
);
export const DeviceAssignmentUpdated = defineEvent(
  'DeviceAssignmentUpdated',
  z.object({
    deviceId: z.string(),
    assignmentId: z.string(),
    changes: z.object({ usage: z.enum(ASSIGNMENT_USAGES), notes: nullableText }).partial(),
    updatedAt: z.string(),
  }),
);
export const DeviceReturned = defineEvent(
  'DeviceReturned',
  z.object({
    deviceId: z.string(),
    assignmentId: z.string(),
    holder: holderSchema,
    categoryId: z.number().int().positive(),
    returnedDate: day,
    notes: nullableText,
    /** How it came back, when the returner said (document 000); null when not said (003). */
    condition: z.enum(RETURN_CONDITIONS).nullable(),
    /** The device's condition after the return (a device returned damaged is damaged). */
    conditionAfter: z.enum(DEVICE_CONDITIONS),
    returnedAt: z.string(),
  }),
);
/** Compensation: an assignment undone because the rest of its command failed (never shown as custody). */
export const DeviceAssignmentCancelled = defineEvent(
  'DeviceAssignmentCancelled',
  z.object({
    deviceId: z.string(),
    assignmentId: z.string(),
    holder: holderSchema,
    categoryId: z.number().int().positive(),
    reason: z.string(),
    cancelledAt: z.string(),
  }),
);

export const deviceEvents = [
  DeviceRegistered,
  DeviceUpdated,
  DeviceDeleted,
  DeviceAssigned,
  DeviceAssignmentUpdated,
  DeviceReturned,
  DeviceAssignmentCancelled,
];

export const DEVICE_EVENT_TYPES = deviceEvents.map((e) => e.type);

export type DeviceEvent =
  | EventOf<typeof DeviceRegistered>
  | EventOf<typeof DeviceUpdated>
  | EventOf<typeof DeviceDeleted>
  | EventOf<typeof DeviceAssigned>
  | EventOf<typeof DeviceAssignmentUpdated>
  | EventOf<typeof DeviceReturned>
  | EventOf<typeof DeviceAssignmentCancelled>;

export const deviceStream = (deviceId: string): string => `device-${deviceId}`;
