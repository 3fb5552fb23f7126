import type { Request } from 'express';
import { NotFoundError } from '../../../domain/shared/errors';
import { readTicketHistory } from '../../../projections/tickets/history';
import type { TicketCommentEntry, TicketDoc, TicketHistoryEntry } from '../../../projections/tickets/projector';
import { customerIdsOfUser, getTicket, lookupParties, ticketComments, type TicketScope } from '../../../projections/tickets/queries';
import { uuidParam } from '../../http/conditional';
import { PresentedTexts, type JsonText } from '../../http/json-text';
import type { AuthContext } from '../../http/context';
import type { ApiDeps } from '../../deps';
import { allows } from '../permissions';
import { TICKET_PERMISSIONS as P } from './permissions';
import type { DetailAnswers } from './detail-answers';
import { presentTicket, presentTicketDetail, usersNamedBy, type Parties } from './presenter';

/** What the caller may see: office roles everything, a technician their tickets, a customer their own. */
export async function scopeOf(deps: ApiDeps, auth: AuthContext): Promise<TicketScope> {
  if (allows(P, 'viewAll', auth.role)) return {};
  if (auth.role === 'customer') return { customerIds: await customerIdsOfUser(deps.readStore, auth.userId) };
  return { technicianId: auth.userId };
}

export function inScope(doc: TicketDoc, scope: TicketScope): boolean {
  if (scope.technicianId !== undefined && doc.technician_id !== scope.technicianId) return false;
  if (scope.customerIds !== undefined && !scope.customerIds.includes(doc.customer_id)) return false;
  return true;
}

export const ticketIdOf = (req: Request): string => uuidParam(req, 'Ticket');

/** The ticket, if the caller may see it; 404 otherwise (a ticket outside one's scope does not exist for one). */
export async function visibleTicket(deps: ApiDeps, auth: AuthContext, ticketId: string): Promise<TicketDoc> {
  const [doc, scope] = await Promise.all([getTicket(deps.readStore, ticketId), scopeOf(deps, auth)]);
  if (!doc || !inScope(doc, scope)) throw new NotFoundError('Ticket', ticketId);
  return doc;
}

/** The JSON texts of list items, shared by the ticket lists (made with their routers). */
export const ticketTexts = () =>
  new PresentedTexts(presentTicket, (d: TicketDoc, parties: Parties) => [
    parties.customers.get(d.customer_id),
    d.technician_id === null ? null : parties.users.get(d.technician_id),
  ]);
export type TicketTexts = ReturnType<typeof ticketTexts>;

/**
 * A page of list items as JSON texts, with customers and technicians looked up once for the
 * page; an item whose ticket, customer and technician are unchanged since a page showed it is
 * not presented again (json-text.ts).
 */
export async function presentPage(deps: ApiDeps, texts: TicketTexts, docs: readonly TicketDoc[]): Promise<JsonText[]> {
  const parties: Parties = await lookupParties(
    deps.readStore,
    docs.map((d) => d.customer_id),
    docs.flatMap((d) => (d.technician_id ? [d.technician_id] : [])),
  );
  return texts.page(docs, parties);
}

/** The history of each ticket, read from its stream up to the revision the document shows. */
export function historiesOf(deps: ApiDeps, docs: readonly TicketDoc[]): Promise<TicketHistoryEntry[][]> {
  const from = { eventStore: deps.commands.eventStore, registry: deps.commands.registry, histories: deps.ticketHistories };
  return Promise.all(docs.map((d) => readTicketHistory(from, d.id, d.revision)));
}

/** The comments of each ticket, as of the version of it that was read. */
export function commentsOf(deps: ApiDeps, docs: readonly TicketDoc[]): Promise<TicketCommentEntry[][]> {
  return Promise.all(docs.map((d) => ticketComments(deps.readStore, d)));
}

/**
 * The answer showing a ticket's detail: the one kept for this version of the ticket when the
 * people it names are unchanged (detail-answers.ts), otherwise made from the history and parties.
 */
export async function detailAnswer(
  deps: ApiDeps,
  answers: DetailAnswers,
  doc: TicketDoc,
  fileUrl: (fileId: string) => string,
  viewer?: Pick<AuthContext, 'role'>,
): Promise<Buffer> {
  // A customer never sees internal (staff-only) comments.
  const view = viewer?.role === 'customer' ? 'customer' : 'staff';
  const keptUsers = answers.userIdsOf(doc, view);
  if (keptUsers !== undefined) {
    const kept = answers.reuse(doc, view, await lookupParties(deps.readStore, [doc.customer_id], keptUsers));
    if (kept !== undefined) return kept;
  }
  const [[history], [comments]] = await Promise.all([historiesOf(deps, [doc]), commentsOf(deps, [doc])]);
  const userIds = usersNamedBy(doc, history!, comments!);
  const parties = await lookupParties(deps.readStore, [doc.customer_id], userIds);
  return answers.keep(doc, view, userIds, parties, presentTicketDetail(doc, history!, comments!, parties, fileUrl, { hideInternal: view === 'customer' }));
}
