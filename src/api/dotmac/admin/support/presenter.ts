import type { DotmacTicketDoc } from '../../../../projections/dotmac-tickets/projector';
import type { KbArticleDoc } from '../../../../projections/knowledge-base/projector';
import { isoSeconds, publicId } from '../../envelope';

const at = (v: string | null) => (v ? isoSeconds(v) : null);

/** A ticket in document 004's words (the same ticket as document 000's). */
export function presentTicket(doc: DotmacTicketDoc) {
  return {
    id: doc._id,
    ticket_number: doc.ticket_number,
    subject: doc.subject,
    description: doc.description,
    status: doc.status,
    priority: doc.priority,
    category: doc.category,
    customer_id: doc.customer_id,
    service_id: doc.service_id === null ? null : publicId(doc.service_id),
    assigned_to: doc.assigned_to || null,
    channel: doc.channel,
    sla_due_date: isoSeconds(doc.sla_due_date),
    sla_breached: doc.sla_breached,
    created_date: isoSeconds(doc.created_at),
    last_update: isoSeconds(doc.updated_at),
    resolved_date: at(doc.resolved_at),
    closed_date: at(doc.closed_at),
    resolution: doc.resolution,
    resolution_category: doc.resolution_category,
    customer_satisfaction: doc.customer_satisfaction,
    follow_up_required: doc.follow_up_required,
  };
}

export function presentArticle(doc: KbArticleDoc) {
  return {
    id: doc._id,
    title: doc.title,
    content: doc.content,
    category: doc.category,
    tags: doc.tags,
    status: doc.status,
    author_id: doc.author_id,
    published_at: at(doc.published_at),
    created_at: isoSeconds(doc.created_at),
    updated_at: isoSeconds(doc.updated_at),
  };
}
