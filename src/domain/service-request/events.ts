import { z } from 'zod';
import { defineEvent, type EventOf } from '../shared/events';

/** Seed 001's device repair requests, moved along an approval workflow. */

const person = z.object({ userId: z.string(), name: z.string(), role: z.string() });
export type Person = z.infer<typeof person>;

export const photoSchema = z.object({
  fileId: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int().nonnegative(),
});
export type Photo = z.infer<typeof photoSchema>;

export const ServiceRequestSubmitted = defineEvent(
  'ServiceRequestSubmitted',
  z.object({
    requestId: z.number().int().positive(),
    code: z.string(),
    requester: z.object({ userId: z.string(), name: z.string(), department: z.string().nullable() }),
    device: z.object({
      type: z.string(),
      brand: z.string().nullable(),
      model: z.string().nullable(),
      serialNumber: z.string(),
    }),
    serviceType: z.string(),
    description: z.string(),
    photo: photoSchema.nullable(),
    submittedAt: z.string(),
  }),
);

const transition = { requestId: z.number().int().positive(), by: person };
export const ServiceRequestApproved = defineEvent(
  'ServiceRequestApproved',
  z.object({ ...transition, note: z.string().nullable(), approvedAt: z.string() }),
);
export const ServiceRequestRejected = defineEvent(
  'ServiceRequestRejected',
  z.object({ ...transition, reason: z.string(), rejectedAt: z.string() }),
);
export const ServiceRequestWorkStarted = defineEvent(
  'ServiceRequestWorkStarted',
  z.object({ ...transition, note: z.string().nullable(), startedAt: z.string() }),
);
export const ServiceRequestCompleted = defineEvent(
  'ServiceRequestCompleted',
  z.object({ ...transition, note: z.string().nullable(), completedAt: z.string() }),
);
export const ServiceRequestCancelled = defineEvent(
  'ServiceRequestCancelled',
  z.object({ ...transition, reason: z.string().nullable(), cancelledAt: z.string() }),
);

export const serviceRequestEvents = [
  ServiceRequestSubmitted,
  ServiceRequestApproved,
  ServiceRequestRejected,
  ServiceRequestWorkStarted,
  ServiceRequestCompleted,
  ServiceRequestCancelled,
];

export type ServiceRequestEvent =
  | EventOf<typeof ServiceRequestSubmitted>
  | EventOf<typeof ServiceRequestApproved>
  | EventOf<typeof ServiceRequestRejected>
  | EventOf<typeof ServiceRequestWorkStarted>
  | EventOf<typeof ServiceRequestCompleted>
  | EventOf<typeof ServiceRequestCancelled>;

export const serviceRequestStream = (requestId: number): string => `service_request-${requestId}`;
