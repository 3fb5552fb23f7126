import type { Person, Photo, ServiceRequestEvent, ServiceRequestStatus } from '../../domain/service-request';
import type { Doc } from '../../ports/read-store';
import { applyOnce, type ProjectedEvent, type Projector } from '../engine/projector';

export const SERVICE_REQUESTS = 'service_requests';

/** One entry of a request's timeline, derived from one of its events. */
export interface TimelineEntry {
  /** 1-based position in the request's own stream (event revision + 1). */
  seq: number;
  status: ServiceRequestStatus;
  at: string;
  by: { userId: string; name: string; role: string | null };
  /** Note, reason or null, as given with the transition. */
  note: string | null;
}

/** A request as lists show it: everything but the timeline. */
export interface ServiceRequestSummary extends Doc {
  id: number;
  code: string;
  requester_id: string;
  requester_name: string;
  department: string | null;
  device_type: string;
  brand: string | null;
  model: string | null;
  serial_number: string;
  service_type: string;
  description: string;
  photo: Photo | null;
  status: ServiceRequestStatus;
  created_at: string;
  updated_at: string;
  approved_at: string | null;
  /** Stream revision of the last event applied: the ETag. */
  revision: number;
}

export interface ServiceRequestDoc extends ServiceRequestSummary {
  timeline: TimelineEntry[];
}

const statusFor: Record<Exclude<ServiceRequestEvent['type'], 'ServiceRequestSubmitted'>, ServiceRequestStatus> = {
  ServiceRequestApproved: 'approved',
  ServiceRequestRejected: 'rejected',
  ServiceRequestWorkStarted: 'in_progress',
  ServiceRequestCompleted: 'completed',
  ServiceRequestCancelled: 'cancelled',
};

function transitionNote(event: Exclude<ServiceRequestEvent, { type: 'ServiceRequestSubmitted' }>): string | null {
  return 'reason' in event.data ? event.data.reason : event.data.note;
}

export const serviceRequestsProjector: Projector = {
  name: 'service_requests',
  handles: [
    'ServiceRequestSubmitted',
    'ServiceRequestApproved',
    'ServiceRequestRejected',
    'ServiceRequestWorkStarted',
    'ServiceRequestCompleted',
    'ServiceRequestCancelled',
  ],
  collections: {
    [SERVICE_REQUESTS]: [
      // Each list index ends with id, the tie-breaker of every sort, so index order is the page order.
      { keys: { id: 1 }, unique: true },
      { keys: { created_at: -1, id: -1 } },
      { keys: { updated_at: -1, id: -1 } },
      { keys: { status: 1, created_at: -1, id: -1 } },
      { keys: { requester_id: 1, created_at: -1, id: -1 } },
      { keys: { requester_id: 1, status: 1, created_at: -1, id: -1 } },
    ],
  },
  async apply(raw, ctx) {
    const event = raw as ProjectedEvent & ServiceRequestEvent;
    const col = ctx.collection<ServiceRequestDoc>(SERVICE_REQUESTS);
    const at = event.metadata.timestamp;
    const id = String(event.data.requestId);
    if (event.type === 'ServiceRequestSubmitted') {
      const d = event.data;
      const entry: TimelineEntry = {
        seq: event.revision + 1,
        status: 'pending',
        at: d.submittedAt,
        by: { userId: d.requester.userId, name: d.requester.name, role: event.metadata.actor?.role ?? null },
        note: null,
      };
      await applyOnce(
        col,
        id,
        event.position,
        {
          $set: {
            id: d.requestId,
            code: d.code,
            requester_id: d.requester.userId,
            requester_name: d.requester.name,
            department: d.requester.department,
            device_type: d.device.type,
            brand: d.device.brand,
            model: d.device.model,
            serial_number: d.device.serialNumber,
            service_type: d.serviceType,
            description: d.description,
            photo: d.photo,
            status: 'pending',
            created_at: d.submittedAt,
            updated_at: d.submittedAt,
            approved_at: null,
            revision: event.revision,
            timeline: [entry],
          },
        },
        { upsert: true },
      );
      return;
    }
    const status = statusFor[event.type];
    const by: Person = event.data.by;
    const entry: TimelineEntry = { seq: event.revision + 1, status, at, by, note: transitionNote(event) };
    await applyOnce(col, id, event.position, {
      $set: {
        status,
        updated_at: at,
        revision: event.revision,
        ...(event.type === 'ServiceRequestApproved' ? { approved_at: event.data.approvedAt } : {}),
      },
      $push: { timeline: entry },
    });
  },
};
