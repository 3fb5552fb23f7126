import type { TicketPriority, TicketStatus, TicketType } from '../../domain/ticket';
import type { Doc, Filter, ReadStore, SortSpec } from '../../ports/read-store';
import { USERS, type UserDoc } from '../users/projector';
import { commentBucketOf, DETAIL_FIELDS, TICKET_COMMENTS, TICKETS, type BucketedComment, type TicketCommentEntry, type TicketCommentsDoc, type TicketDoc } from './projector';
import { pageWithTotal } from '../engine/page';

/**
 * Queries on the tickets read model, for the tickets API and for anyone else who needs tickets
 * (reports, notifications, mobile sync, the SLA job). All lists use the default order, newest
 * first (created_at desc, then number desc as the tie-breaker), which the indexes serve.
 */

/** The customers read model (Users & Customers area): `{ _id, full_name, phone, address, user_id, ... }`. */
export const CUSTOMERS = 'customers';

export const DEFAULT_TICKET_SORT: SortSpec = { created_at: -1, number: -1 };

export interface TicketFilter {
  status?: TicketStatus | readonly TicketStatus[];
  priority?: TicketPriority;
  type?: TicketType;
  technicianId?: string;
  customerId?: string;
  /** Inclusive lower / exclusive upper bounds, ISO-8601 UTC (as stored). */
  createdFrom?: string;
  createdTo?: string;
  scheduledFrom?: string;
  scheduledTo?: string;
}

/** What the caller may see: a technician only their tickets, a customer only their own. */
export interface TicketScope {
  technicianId?: string;
  customerIds?: readonly string[];
}

export interface Page {
  skip: number;
  limit: number;
}

function range(from: string | undefined, to: string | undefined): Record<string, string> | undefined {
  if (from === undefined && to === undefined) return undefined;
  const r: Record<string, string> = {};
  if (from !== undefined) r.$gte = from;
  if (to !== undefined) r.$lt = to;
  return r;
}

/**
 * The read-store filter for a ticket filter within a scope, or null when the scope rules out
 * everything (a technician asking for another technician's tickets).
 */
export function ticketFilter(f: TicketFilter, scope: TicketScope = {}): Filter | null {
  const filter: Filter = {};
  if (f.status !== undefined) filter.status = typeof f.status === 'string' ? f.status : { $in: [...f.status] };
  if (f.priority) filter.priority = f.priority;
  if (f.type) filter.type = f.type;
  const technicianId = scope.technicianId ?? f.technicianId;
  if (scope.technicianId && f.technicianId && f.technicianId !== scope.technicianId) return null;
  if (technicianId) filter.technician_id = technicianId;
  if (scope.customerIds) {
    const allowed = f.customerId ? scope.customerIds.filter((c) => c === f.customerId) : scope.customerIds;
    if (allowed.length === 0) return null;
    filter.customer_id = allowed.length === 1 ? allowed[0] : { $in: [...allowed] };
  } else if (f.customerId) {
    filter.customer_id = f.customerId;
  }
  const created = range(f.createdFrom, f.createdTo);
  if (created) filter.created_at = created;
  const scheduled = range(f.scheduledFrom, f.scheduledTo);
  if (scheduled) filter.scheduled_at = scheduled;
  return filter;
}

const LIST_PROJECTION = Object.fromEntries(DETAIL_FIELDS.map((f) => [f, 0 as const]));

/** One page of tickets (without history, comments and attachments) and the total. */
export async function listTickets(
  readStore: ReadStore,
  f: TicketFilter,
  page: Page,
  scope: TicketScope = {},
): Promise<{ items: TicketDoc[]; total: number }> {
  const filter = ticketFilter(f, scope);
  if (filter === null) return { items: [], total: 0 };
  const col = readStore.collection<TicketDoc>(TICKETS);
  return pageWithTotal(col, filter, { sort: DEFAULT_TICKET_SORT, skip: page.skip, limit: page.limit, projection: LIST_PROJECTION });
}

/** A customer's tickets (GET /api/customers/:id/tickets). */
export function listCustomerTickets(
  readStore: ReadStore,
  customerId: string,
  f: Omit<TicketFilter, 'customerId'>,
  page: Page,
  scope: TicketScope = {},
) {
  return listTickets(readStore, { ...f, customerId }, page, scope);
}

/** A technician's current tickets (GET /api/technicians/:id/tickets). */
export function listTechnicianTickets(
  readStore: ReadStore,
  technicianId: string,
  f: Omit<TicketFilter, 'technicianId'>,
  page: Page,
) {
  return listTickets(readStore, { ...f, technicianId }, page);
}

/** One ticket with its comments and attachments, read only (the SQLite store shares its frozen document). */
export function getTicket(readStore: ReadStore, ticketId: string): Promise<TicketDoc | null> {
  return readStore.collection<TicketDoc>(TICKETS).findOne({ _id: ticketId }, { readonly: true });
}

const asEntry = ({ revision, ...entry }: BucketedComment): TicketCommentEntry => entry;

/** The buckets of comments of one ticket up to a revision, or of several tickets, in order. */
function commentBuckets(readStore: ReadStore, filter: Filter): Promise<TicketCommentsDoc[]> {
  // Read once: a detail made from them is kept (detail-answers.ts), and the buckets of a thousand
  // long tickets would push the tickets themselves out of the SQLite store's parse cache.
  return readStore.collection<TicketCommentsDoc>(TICKET_COMMENTS).find(filter, { sort: { ticket_id: 1, bucket: 1 }, readonly: true, once: true });
}

/**
 * A ticket's comments as of the version of it that was read, oldest first: those a document of
 * the projector's first version holds, then those kept in buckets up to the document's revision
 * (a comment is written before its ticket's revision moves on, so none is missing and none is
 * newer than the rest of what is shown).
 */
export async function ticketComments(readStore: ReadStore, doc: TicketDoc): Promise<TicketCommentEntry[]> {
  const buckets = await commentBuckets(readStore, { ticket_id: doc._id, bucket: { $lte: commentBucketOf(doc.revision) } });
  const held = doc.comments ?? [];
  const own = buckets.flatMap((b) => b.comments.filter((c) => c.revision <= doc.revision && !held.some((h) => h.id === c.id)).map(asEntry));
  return held.length === 0 ? own : [...held, ...own];
}

/** One comment of a ticket, or null (looked for from the ticket's last bucket back). */
export async function ticketComment(readStore: ReadStore, doc: TicketDoc, commentId: string): Promise<TicketCommentEntry | null> {
  const held = doc.comments?.find((c) => c.id === commentId);
  if (held) return held;
  const col = readStore.collection<TicketCommentsDoc>(TICKET_COMMENTS);
  for (let bucket = commentBucketOf(doc.revision); bucket >= 0; bucket--) {
    const found = (await col.findOne({ _id: `${doc._id}:${bucket}` }, { readonly: true }))?.comments.find((c) => c.id === commentId);
    if (found) return asEntry(found);
  }
  return null;
}

/** Comments by id, wherever their tickets keep them (mobile sync): in buckets, or in a ticket of the first version. */
export async function commentsById(readStore: ReadStore, refs: ReadonlyArray<{ id: string; ticket_id: string }>): Promise<Map<string, TicketCommentEntry>> {
  const byId = new Map<string, TicketCommentEntry>();
  if (refs.length === 0) return byId;
  const wanted = new Set(refs.map((r) => r.id));
  const ticketIds = [...new Set(refs.map((r) => r.ticket_id))];
  const [buckets, tickets] = await Promise.all([
    commentBuckets(readStore, { ticket_id: { $in: ticketIds } }),
    readStore.collection<TicketDoc>(TICKETS).find({ _id: { $in: ticketIds }, comments: { $exists: true } }, { projection: { comments: 1 }, readonly: true }),
  ]);
  for (const b of buckets) for (const c of b.comments) if (wanted.has(c.id)) byId.set(c.id, asEntry(c));
  for (const t of tickets) for (const c of t.comments ?? []) if (wanted.has(c.id) && !byId.has(c.id)) byId.set(c.id, c);
  return byId;
}

/** Tickets changed since `since` (mobile sync), oldest change first. */
export function ticketsUpdatedSince(readStore: ReadStore, since: string, scope: TicketScope, limit: number): Promise<TicketDoc[]> {
  const filter = ticketFilter({}, scope);
  if (filter === null) return Promise.resolve([]);
  return readStore
    .collection<TicketDoc>(TICKETS)
    .find({ ...filter, updated_at: { $gt: since } }, { sort: { updated_at: 1, number: 1 }, limit });
}

export interface CustomerSummary extends Doc {
  full_name?: string;
  phone?: string;
  address?: unknown;
  user_id?: string | null;
  /** The customer's service (document 002 subscription): active, suspended or null. */
  service_status?: 'active' | 'suspended' | null;
}

/** The customer records whose login account is `userId` (a user with role customer). */
export async function customerIdsOfUser(readStore: ReadStore, userId: string): Promise<string[]> {
  const docs = await readStore.collection<CustomerSummary>(CUSTOMERS).find({ user_id: userId }, { projection: { _id: 1 } });
  return docs.map((d) => d._id);
}

export function findCustomer(readStore: ReadStore, customerId: string): Promise<CustomerSummary | null> {
  return readStore.collection<CustomerSummary>(CUSTOMERS).findOne({ _id: customerId });
}

const CUSTOMER_SUMMARY = { full_name: 1, phone: 1, address: 1, user_id: 1, service_status: 1 } as const;
const USER_SUMMARY = { role: 1, profile: 1, is_active: 1 } as const;

/** Customers and users named by a page of tickets: one `$in` lookup per collection. */
export async function lookupParties(
  readStore: ReadStore,
  customerIds: Iterable<string>,
  userIds: Iterable<string>,
): Promise<{ customers: Map<string, CustomerSummary>; users: Map<string, UserDoc> }> {
  const cIds = [...new Set(customerIds)];
  const uIds = [...new Set(userIds)];
  // Read only (presenters copy what they show): with the SQLite store, each party's projection is
  // made once per version of its document.
  const [customers, users] = await Promise.all([
    cIds.length
      ? readStore.collection<CustomerSummary>(CUSTOMERS).find({ _id: { $in: cIds } }, { projection: CUSTOMER_SUMMARY, readonly: true })
      : Promise.resolve([]),
    uIds.length ? readStore.collection<UserDoc>(USERS).find({ _id: { $in: uIds } }, { projection: USER_SUMMARY, readonly: true }) : Promise.resolve([]),
  ]);
  return { customers: new Map(customers.map((c) => [c._id, c])), users: new Map(users.map((u) => [u._id, u])) };
}

export interface SlaCandidate {
  _id: string;
  created_at: string;
  sla_deadline: string;
}

const SLA_PROJECTION = { created_at: 1, sla_deadline: 1 } as const;

/** Open tickets whose current deadline has passed and that are not yet marked overdue. */
export async function slaBreachCandidates(readStore: ReadStore, now: Date): Promise<SlaCandidate[]> {
  const docs = await readStore
    .collection<TicketDoc>(TICKETS)
    .find(
      { open: true, overdue: false, sla_deadline: { $lte: now.toISOString() } },
      { sort: { sla_deadline: 1 }, projection: SLA_PROJECTION },
    );
  return docs as unknown as SlaCandidate[];
}

/**
 * Open, unwarned, unbreached tickets whose deadline is ahead but within `windowMs` (the widest
 * warning window of the policy); the caller checks each ticket's own window.
 */
export async function slaWarningCandidates(readStore: ReadStore, now: Date, windowMs: number): Promise<SlaCandidate[]> {
  const docs = await readStore.collection<TicketDoc>(TICKETS).find(
    {
      open: true,
      overdue: false,
      sla_warning_raised: false,
      sla_deadline: { $gt: now.toISOString(), $lte: new Date(now.getTime() + windowMs).toISOString() },
    },
    { sort: { sla_deadline: 1 }, projection: SLA_PROJECTION },
  );
  return docs as unknown as SlaCandidate[];
}
