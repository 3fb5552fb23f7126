import { categoryOfType, dotmacTicketPriority, dotmacTicketStatus, type TicketCategory } from '../../../../domain/ticket/dotmac-vocabulary';
import type { TicketCommentEntry, TicketDoc } from '../../../../projections/tickets/projector';
import type { UserDoc } from '../../../../projections/users/projector';
import { isoSeconds, publicId } from '../../envelope';

/**
 * A ticket in document 004's words (DESIGN.md §5, src/domain/ticket/dotmac-vocabulary.ts):
 * status new/assigned → open, pending → in_progress; priority normal → medium, emergency →
 * critical; the category as given at creation, else the type's; subject = the title.
 */
export function presentTicketSummary(doc: TicketDoc, users: ReadonlyMap<string, UserDoc>) {
  return {
    id: doc.id,
    ticket_number: doc.ticket_number,
    subject: doc.title,
    status: dotmacTicketStatus(doc.status),
    priority: dotmacTicketPriority(doc.priority),
    category: (doc.category as TicketCategory | null | undefined) ?? categoryOfType(doc.type),
    created_date: isoSeconds(doc.created_at),
    last_update: isoSeconds(doc.updated_at),
    assigned_technician: doc.technician_id ? (users.get(doc.technician_id)?.profile.full_name ?? null) : null,
    sla_due_date: isoSeconds(doc.sla_deadline),
  };
}

/** Who wrote a comment, as the customer sees it: themself, a technician, or the support team. */
function authorOf(c: TicketCommentEntry): 'customer' | 'technician' | 'support' {
  if (c.user_role === 'customer') return 'customer';
  if (c.user_role === 'technician') return 'technician';
  return 'support';
}

export function presentComment(c: TicketCommentEntry, names: { customer: string; users: ReadonlyMap<string, UserDoc> }) {
  const author = authorOf(c);
  return {
    id: c.id,
    author,
    author_name: author === 'customer' ? names.customer : (names.users.get(c.user_id)?.profile.full_name ?? 'Support'),
    message: c.comment,
    timestamp: isoSeconds(c.created_at),
    is_internal: false as const,
  };
}

/** The detail: internal (staff-only) comments are never in it. */
export function presentTicketDetail(
  doc: TicketDoc,
  comments: readonly TicketCommentEntry[],
  names: { customer: string; users: ReadonlyMap<string, UserDoc> },
  service: { id: number; plan_name: string | null } | null,
) {
  return {
    ...presentTicketSummary(doc, names.users),
    description: doc.description,
    service_affected: service ? { id: publicId(service.id), type: 'internet' as const, plan_name: service.plan_name } : null,
    comments: comments.filter((c) => !c.is_internal).map((c) => presentComment(c, names)),
  };
}
