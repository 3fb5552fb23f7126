import type { UserDoc } from '../../../projections/users/projector';
import type { TicketCommentEntry, TicketDoc, TicketHistoryEntry } from '../../../projections/tickets/projector';
import type { CustomerSummary } from '../../../projections/tickets/queries';

/**
 * Document 000's ticket shapes. The canonical read model keeps ids; names and phones of the
 * customer, the technician and the people in comments and history are looked up for the page
 * (see queries.lookupParties) and filled in here.
 */

export interface Parties {
  customers: Map<string, CustomerSummary>;
  users: Map<string, UserDoc>;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function addressOf(c: CustomerSummary | undefined): string | null {
  const a = c?.address;
  if (typeof a === 'string') return a;
  if (a && typeof a === 'object' && typeof (a as { line?: unknown }).line === 'string') return (a as { line: string }).line;
  return null;
}

export function presentCustomer(customerId: string, parties: Parties) {
  const c = parties.customers.get(customerId);
  return { id: customerId, full_name: str(c?.full_name), phone: str(c?.phone), address: addressOf(c), service_status: c?.service_status ?? null };
}

export function presentTechnician(technicianId: string | null, parties: Parties) {
  if (technicianId === null) return null;
  const u = parties.users.get(technicianId);
  return { id: technicianId, full_name: u?.profile.full_name ?? null, phone: u?.profile.phone ?? null };
}

/** A person in comments and history; the SLA job appears as System. */
export function presentUser(userId: string, role: string, parties: Parties) {
  if (userId === 'system') return { id: null, full_name: 'System', role: 'system' };
  const u = parties.users.get(userId);
  return { id: userId, full_name: u?.profile.full_name ?? null, role: u?.role ?? role, avatar: u?.profile.avatar ?? null };
}

/** A list item (GET /api/tickets and the customer and technician ticket lists). */
export function presentTicket(doc: TicketDoc, parties: Parties) {
  return {
    id: doc.id,
    ticket_number: doc.ticket_number,
    customer: presentCustomer(doc.customer_id, parties),
    technician: presentTechnician(doc.technician_id, parties),
    type: doc.type,
    priority: doc.priority,
    status: doc.status,
    title: doc.title,
    description: doc.description,
    location: doc.location,
    scheduled_at: doc.scheduled_at,
    completed_at: doc.completed_at,
    sla_deadline: doc.sla_deadline,
    overdue: doc.overdue,
    created_at: doc.created_at,
    updated_at: doc.updated_at,
  };
}

/**
 * GET /api/tickets/:id and the answers of every ticket write, with the history read from the
 * ticket's stream (readTicketHistory). Uploaded attachments (with a file id) get a freshly
 * signed link; attachments given as URLs are shown as given.
 */
export function presentTicketDetail(
  doc: TicketDoc,
  history: readonly TicketHistoryEntry[],
  allComments: readonly TicketCommentEntry[],
  parties: Parties,
  fileUrl: (fileId: string) => string,
  /** A customer's view: internal (staff-only) comments, and their history entries, left out. */
  options: { hideInternal?: boolean } = {},
) {
  const comments = options.hideInternal ? allComments.filter((c) => !c.is_internal) : allComments;
  const entries = options.hideInternal ? history.filter((h) => !h.internal) : history;
  return {
    ...presentTicket(doc, parties),
    rating: doc.rating,
    channel: doc.channel,
    closed_at: doc.closed_at,
    created_by: presentUser(doc.created_by.user_id, doc.created_by.role, parties),
    attachments: doc.attachments.map((a) => ({
      id: a.id,
      filename: a.filename,
      url: a.file_id ? fileUrl(a.file_id) : a.url,
      type: a.type,
      uploaded_by: a.uploaded_by,
      uploaded_at: a.uploaded_at,
    })),
    comments: comments.map((c) => presentComment(c, parties)),
    history: entries.map((h) => ({
      id: h.id,
      action: h.action,
      field: h.field,
      old_value: h.old_value,
      new_value: h.new_value,
      notes: h.notes,
      user: presentUser(h.user_id, h.user_role, parties),
      created_at: h.created_at,
    })),
  };
}

export function presentComment(c: TicketCommentEntry, parties: Parties) {
  return {
    id: c.id,
    user: presentUser(c.user_id, c.user_role, parties),
    comment: c.comment,
    attachments: c.attachments,
    created_at: c.created_at,
    is_internal: c.is_internal ?? false,
  };
}

/** User ids a detail view names: technician, creator, commenters and history actors. */
export function usersNamedBy(doc: TicketDoc, history: readonly TicketHistoryEntry[], comments: readonly TicketCommentEntry[]): string[] {
  const ids = new Set<string>([doc.created_by.user_id]);
  if (doc.technician_id) ids.add(doc.technician_id);
  for (const c of comments) ids.add(c.user_id);
  for (const h of history) ids.add(h.user_id);
  ids.delete('system');
  return [...ids];
}
