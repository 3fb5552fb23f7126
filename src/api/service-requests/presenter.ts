import type { ServiceRequestStatus } from '../../domain/service-request';
import type { ServiceRequestSummary, TimelineEntry } from '../../projections/service-requests/projector';

/** How document 001 shows statuses: the `status` field, and the timeline labels. */
export const STATUS_LABEL: Record<ServiceRequestStatus, string> = {
  pending: 'Pending',
  approved: 'Approved',
  rejected: 'Rejected',
  in_progress: 'In Progress',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

export const TIMELINE_LABEL: Record<ServiceRequestStatus, string> = {
  pending: 'Menunggu Approval',
  approved: 'Disetujui',
  rejected: 'Ditolak',
  in_progress: 'Proses',
  completed: 'Selesai',
  cancelled: 'Dibatalkan',
};

const VERB: Record<ServiceRequestStatus, string> = {
  pending: 'Request dibuat oleh',
  approved: 'Disetujui oleh',
  rejected: 'Ditolak oleh',
  in_progress: 'Dikerjakan oleh',
  completed: 'Diselesaikan oleh',
  cancelled: 'Dibatalkan oleh',
};

/** Accepts a status as its code (in_progress), its label (In Progress) or its timeline label (Proses). */
export function parseStatus(value: string): ServiceRequestStatus | null {
  const v = value.trim().toLowerCase();
  for (const code of Object.keys(STATUS_LABEL) as ServiceRequestStatus[]) {
    if (v === code || v === STATUS_LABEL[code].toLowerCase() || v === TIMELINE_LABEL[code].toLowerCase()) return code;
  }
  return null;
}

export function presentTimeline(entries: readonly TimelineEntry[]) {
  return entries.map((e, i) => {
    const note = `${VERB[e.status]} ${e.by.name}${e.note ? `: ${e.note}` : ''}`;
    return {
      id: e.seq,
      label: TIMELINE_LABEL[e.status],
      status: TIMELINE_LABEL[e.status],
      date: e.at,
      created_at: e.at,
      note,
      description: note,
      // The entry for the request's current status is active; earlier steps are inactive.
      state: i === entries.length - 1 ? 'active' : 'inactive',
      actor: { name: e.by.name, role: e.by.role },
    };
  });
}

/** Every alias of the Field Mapping table, so any front-end variant finds its field. */
export function presentServiceRequest(doc: ServiceRequestSummary, photoUrl: string | null) {
  return {
    id: doc.id,
    code: doc.code,
    request_code: doc.code,
    device_type: doc.device_type,
    device: doc.device_type,
    brand: doc.brand,
    device_brand: doc.brand,
    model: doc.model,
    device_model: doc.model,
    serial_number: doc.serial_number,
    sn: doc.serial_number,
    service_type: doc.service_type,
    service: doc.service_type,
    description: doc.description,
    issue_description: doc.description,
    status: STATUS_LABEL[doc.status],
    status_code: doc.status,
    requester_name: doc.requester_name,
    user_name: doc.requester_name,
    department: doc.department,
    photo_url: photoUrl,
    created_at: doc.created_at,
    approved_at: doc.approved_at,
    updated_at: doc.updated_at,
  };
}
