import {
  isOpen,
  TICKET_EVENT_TYPES,
  type GeoLocation,
  type TicketActor,
  type TicketChannel,
  type TicketEvent,
  type TicketFieldChanges,
  type TicketPriority,
  type TicketStatus,
  type TicketType,
} from '../../domain/ticket';
import type { Doc, Update } from '../../ports/read-store';
import { applyOnce, insertOnce, type ProjectedEvent, type Projector } from '../engine/projector';
import { derivedUuid } from './derived-id';
import { FIELD_NAMES } from './history';

export const TICKETS = 'tickets';
/** A ticket's comments, in buckets (TicketCommentsDoc) beside the tickets: see ticketsProjector. */
export const TICKET_COMMENTS = 'ticket_comments';
/** Stream revisions per bucket of comments: a bucket holds the comments of 32 revisions of its ticket. */
export const COMMENT_BUCKET_REVISIONS = 32;

export type { TicketHistoryEntry } from './history';

export interface TicketCommentEntry {
  id: string;
  user_id: string;
  user_role: string;
  comment: string;
  attachments: string[];
  created_at: string;
  /** 004: a staff-only note (absent on comments written before it existed: false). */
  is_internal?: boolean;
}

/** A comment in its bucket, with the stream revision of its event. */
export interface BucketedComment extends TicketCommentEntry {
  revision: number;
}

/**
 * The comments of revisions `bucket * COMMENT_BUCKET_REVISIONS` up to the next bucket's of one
 * ticket, in order; `_id` is `<ticket id>:<bucket>`.
 */
export interface TicketCommentsDoc extends Doc {
  ticket_id: string;
  bucket: number;
  comments: BucketedComment[];
}

export const commentBucketOf = (revision: number): number => Math.floor(revision / COMMENT_BUCKET_REVISIONS);

export interface TicketAttachmentEntry {
  id: string;
  file_id: string | null;
  filename: string;
  url: string;
  type: string;
  uploaded_by: string;
  uploaded_at: string;
  /** Where it came from: ticket (creation), status_change, comment, upload. */
  source: 'ticket' | 'status_change' | 'comment' | 'upload';
}

export interface TicketDoc extends Doc {
  id: string;
  number: number;
  ticket_number: string;
  customer_id: string;
  technician_id: string | null;
  type: TicketType;
  priority: TicketPriority;
  status: TicketStatus;
  title: string;
  description: string;
  location: GeoLocation;
  scheduled_at: string | null;
  assigned_at: string | null;
  /** When the ticket was resolved; cleared by a reopen. */
  completed_at: string | null;
  closed_at: string | null;
  rating: number | null;
  channel: TicketChannel;
  created_by: { user_id: string; role: string };
  /** Not resolved or closed: the SLA clock runs. */
  open: boolean;
  sla_deadline: string;
  sla_warning_raised: boolean;
  sla_warning_raised_at: string | null;
  /** The current deadline was breached (TicketSlaBreached). */
  overdue: boolean;
  sla_breached_at: string | null;
  created_at: string;
  updated_at: string;
  /** Stream revision of the last event applied: the ETag. */
  revision: number;
  attachments: TicketAttachmentEntry[];
  /**
   * Only in documents written by version 1 of the projector, which kept every comment in the
   * ticket (queries.ts ticketComments reads both). Comments are in buckets beside it now.
   */
  comments?: TicketCommentEntry[];
  /** Document 004: the support category given at creation (absent or null: the type's), and the service instance it is about. */
  category?: string | null;
  service_id?: number | null;
}

/** The heavy parts of a ticket, left out of list queries. */
export const DETAIL_FIELDS = ['attachments', 'comments'] as const;

/** Name and type of a file given only by its URL. */
export function describeUrl(url: string): { filename: string; type: string } {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // not an absolute URL: use it as it is
  }
  const filename = decodeURIComponent(path.split('/').filter(Boolean).pop() ?? url) || url;
  const ext = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase() ?? '';
  const type = ['jpg', 'jpeg', 'png', 'gif', 'webp', 'heic', 'heif', 'bmp'].includes(ext) ? 'photo' : 'document';
  return { filename, type };
}

function urlAttachments(
  event: ProjectedEvent,
  urls: readonly string[],
  by: TicketActor,
  at: string,
  source: TicketAttachmentEntry['source'],
): TicketAttachmentEntry[] {
  return urls.map((url, i) => ({
    id: derivedUuid(event.id, `attachment-${i}`),
    file_id: null,
    ...describeUrl(url),
    url,
    uploaded_by: by.userId,
    uploaded_at: at,
    source,
  }));
}

/** `$set` plus a `$push` of each non-empty list (no empty operators: MongoDB refuses some). */
function setAndPush(set: Record<string, unknown>, lists: Record<string, unknown[]>): Update {
  const push: Record<string, unknown> = {};
  for (const [field, items] of Object.entries(lists)) if (items.length > 0) push[field] = { $each: items };
  return Object.keys(push).length > 0 ? { $set: set, $push: push } : { $set: set };
}

/**
 * The tickets read model: one document per ticket with what lists and the detail view show,
 * including its attachments, and its comments in buckets beside it (`ticket_comments`), all
 * derived from the ticket's events. The history is not kept here: the detail view derives it from the
 * ticket's stream (history.ts). Customer and technician names are joined at read time
 * (queries.ts), not copied here.
 *
 * Version 2 took the comments out of the ticket document: kept in it, every comment rewrote
 * the whole ticket, so a comment on a ticket with a hundred and fifty of them cost about 1.6
 * times one on the same ticket now, and the lists' parse cache held the comments of every
 * ticket it held. They are kept in buckets, one per 32 revisions of the ticket's stream (the
 * bucket of an event follows from its revision, so nothing is read to place it): a comment
 * rewrites at most its bucket, and a ticket's detail reads a few documents of contiguous text
 * rather than one row per comment (one per comment made a first view several times slower:
 * each comment's row on a page of its own). A comment is written before its ticket's new
 * revision, so a reader that takes the comments up to the revision of the ticket it read sees
 * exactly those the ticket's version had (queries.ts ticketComments).
 */
export const ticketsProjector: Projector = {
  name: 'tickets',
  version: 2,
  handles: TICKET_EVENT_TYPES,
  collections: {
    // A ticket's buckets of comments in order (the detail), read up to the ticket's revision.
    [TICKET_COMMENTS]: [{ keys: { ticket_id: 1, bucket: 1 } }],
    [TICKETS]: [
      // List indexes: a filter's equality field, then the default sort (created_at desc) and the
      // tie-breaker (number desc), so a filtered page is read in index order and stops after
      // skip + limit; created_from/created_to is a range on created_at in the same index. Further
      // filters are checked on the (few) candidates. Kept to what the lists need: every index
      // costs on every write and on rebuilds.
      { keys: { created_at: -1, number: -1 } },
      { keys: { status: 1, created_at: -1, number: -1 } },
      // status + priority together is the dispatch board's usual filter: without this index its
      // page total would count every ticket of the status to find the few of the priority.
      { keys: { status: 1, priority: 1, created_at: -1, number: -1 } },
      { keys: { priority: 1, created_at: -1, number: -1 } },
      { keys: { type: 1, created_at: -1, number: -1 } },
      // An entity's tickets in list order, with the other filter fields at the end of the key:
      // priority or type (or status with either) on a customer's or a technician's tickets is
      // checked in the index, without reading a row. A customer with 132,000 tickets asked for a
      // priority none has took 121 ms of SQL for the page and as much for its total, against
      // 11 ms each this way (docs/benchmarks-history.md).
      { keys: { technician_id: 1, created_at: -1, number: -1, status: 1, priority: 1, type: 1 } },
      // A technician's tickets of one status (what they are working on now): without it the page
      // walks every ticket the technician ever had to find the few in progress, and an empty
      // answer walks them all (1,000 tickets: 0.55 ms of SQL against 0.05).
      { keys: { technician_id: 1, status: 1, created_at: -1, number: -1 } },
      { keys: { customer_id: 1, created_at: -1, number: -1, status: 1, priority: 1, type: 1 } },
      // The same for a customer's tickets of one status (the portal's and the dispatcher's usual
      // filter): a customer with 28,000 tickets and none closed took 23 ms of SQL for an empty
      // page and as much for its total.
      { keys: { customer_id: 1, status: 1, created_at: -1, number: -1 } },
      // A customer may have tens of thousands of tickets (a reseller), a technician has far fewer:
      // a customer's tickets of one priority or type are read straight from their own range
      // rather than checked in the customer's (20,000 tickets, 100 of the priority asked for:
      // 91 req/s before, 299 with the fields at the end of the customer index, 971 with these).
      { keys: { customer_id: 1, priority: 1, created_at: -1, number: -1 } },
      { keys: { customer_id: 1, type: 1, created_at: -1, number: -1 } },
      { keys: { scheduled_at: 1, number: 1 } },
      // The SLA job: open, not yet breached tickets by deadline (breaches due, warnings due).
      { keys: { open: 1, overdue: 1, sla_deadline: 1 } },
    ],
  },
  // The entity indexes before the filter fields were added to their end.
  retiredIndexes: { [TICKETS]: ['technician_id_1_created_at_-1_number_-1', 'customer_id_1_created_at_-1_number_-1'] },
  async apply(raw, ctx) {
    const event = raw as ProjectedEvent & TicketEvent;
    const col = ctx.collection<TicketDoc>(TICKETS);
    const id = event.data.ticketId;
    const revision = event.revision;
    switch (event.type) {
      case 'TicketCreated': {
        const d = event.data;
        // Created once: a redelivered TicketCreated finds the document and changes nothing.
        await insertOnce<TicketDoc>(
          col,
          {
            _id: id,
            id,
            number: d.number,
            ticket_number: d.ticketNumber,
            customer_id: d.customerId,
            technician_id: null,
            type: d.type,
            priority: d.priority,
            status: 'new',
            title: d.title,
            description: d.description,
            location: d.location,
            scheduled_at: d.scheduledAt,
            assigned_at: null,
            completed_at: null,
            closed_at: null,
            rating: null,
            channel: d.channel,
            created_by: { user_id: d.createdBy.userId, role: d.createdBy.role },
            open: true,
            sla_deadline: d.slaDeadline,
            sla_warning_raised: false,
            sla_warning_raised_at: null,
            overdue: false,
            sla_breached_at: null,
            created_at: d.createdAt,
            updated_at: d.createdAt,
            revision,
            attachments: urlAttachments(event, d.attachments, d.createdBy, d.createdAt, 'ticket'),
            category: d.category ?? null,
            service_id: d.serviceId ?? null,
          },
          event.position,
        );
        return;
      }
      case 'TicketUpdated': {
        const d = event.data;
        const set: Record<string, unknown> = { updated_at: d.updatedAt, revision };
        for (const key of Object.keys(d.changes) as (keyof TicketFieldChanges)[]) set[FIELD_NAMES[key]] = d.changes[key];
        if (d.changes.slaDeadline !== undefined) {
          // Warnings and breaches belong to a deadline; the new one starts untouched.
          Object.assign(set, { sla_warning_raised: false, sla_warning_raised_at: null, overdue: false, sla_breached_at: null });
        }
        await applyOnce(col, id, event.position, { $set: set });
        return;
      }
      case 'TicketAssigned': {
        const d = event.data;
        const set: Record<string, unknown> = {
          technician_id: d.technicianId,
          assigned_at: d.assignedAt,
          status: d.status,
          updated_at: d.assignedAt,
          revision,
        };
        if (d.scheduledAt !== null) set.scheduled_at = d.scheduledAt;
        await applyOnce(col, id, event.position, { $set: set });
        return;
      }
      case 'TicketStatusChanged': {
        const d = event.data;
        const set: Record<string, unknown> = { status: d.to, open: isOpen(d.to), updated_at: d.changedAt, revision };
        if (d.to === 'resolved') set.completed_at = d.changedAt;
        if (d.to === 'closed') set.closed_at = d.changedAt;
        if (d.from === 'resolved' && isOpen(d.to)) Object.assign(set, { completed_at: null, rating: null });
        if (d.rating !== null) set.rating = d.rating;
        await applyOnce(
          col,
          id,
          event.position,
          setAndPush(set, {
            attachments: urlAttachments(event, d.attachments, d.changedBy, d.changedAt, 'status_change'),
          }),
        );
        return;
      }
      case 'TicketCommentAdded': {
        const d = event.data;
        const comment: TicketCommentEntry = {
          id: d.commentId,
          user_id: d.author.userId,
          user_role: d.author.role,
          comment: d.comment,
          attachments: d.attachments,
          created_at: d.createdAt,
          ...(d.isInternal ? { is_internal: true } : {}),
        };
        // The comment first: whoever reads the ticket's new revision finds it (queries.ts).
        const bucket = commentBucketOf(revision);
        await applyOnce(
          ctx.collection<TicketCommentsDoc>(TICKET_COMMENTS),
          `${id}:${bucket}`,
          event.position,
          { $setOnInsert: { ticket_id: id, bucket }, $push: { comments: { ...comment, revision } } },
          { upsert: true },
        );
        await applyOnce(
          col,
          id,
          event.position,
          setAndPush({ updated_at: d.createdAt, revision }, { attachments: urlAttachments(event, d.attachments, d.author, d.createdAt, 'comment') }),
        );
        return;
      }
      case 'TicketAttachmentAdded': {
        const d = event.data;
        const attachment: TicketAttachmentEntry = {
          id: d.attachmentId,
          file_id: d.fileId,
          filename: d.filename,
          url: d.url,
          type: d.fileType,
          uploaded_by: d.uploadedBy.userId,
          uploaded_at: d.uploadedAt,
          source: 'upload',
        };
        await applyOnce(
          col,
          id,
          event.position,
          { $set: { updated_at: d.uploadedAt, revision }, $push: { attachments: attachment } },
        );
        return;
      }
      case 'TicketSlaWarningRaised': {
        const d = event.data;
        await applyOnce(col, id, event.position, { $set: { sla_warning_raised: true, sla_warning_raised_at: d.raisedAt, revision } });
        return;
      }
      case 'TicketSlaBreached': {
        const d = event.data;
        await applyOnce(col, id, event.position, { $set: { overdue: true, sla_breached_at: d.breachedAt, revision } });
        return;
      }
    }
  },
};
