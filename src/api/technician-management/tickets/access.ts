import type { Request } from 'express';
import type { AuthDeps } from '../../../commands/auth';
import type { TicketCommandDeps } from '../../../commands/tickets';
import { NotFoundError, ValidationError } from '../../../domain/shared/errors';
import type { TicketDoc } from '../../../projections/tickets/projector';
import { customerIdsOfUser, getTicket, lookupParties, type TicketScope } from '../../../projections/tickets/queries';
import type { AuthContext } from '../../http/context';
import type { ApiDeps } from '../../deps';
import { allows } from '../permissions';
import { isUuid } from './input';
import { TICKET_PERMISSIONS as P } from './permissions';
import { presentTicket, presentTicketDetail, usersNamedBy, type Parties } from './presenter';

/**
 * The ticket commands need the SLA policy, which the composition root (src/app.ts) puts on
 * `deps.commands` next to the usual command dependencies.
 */
export function ticketCommandDeps(deps: ApiDeps): TicketCommandDeps {
  const commands = deps.commands as AuthDeps & Partial<TicketCommandDeps>;
  if (!commands.sla) throw new Error('deps.commands.sla is missing: the composition root must provide the SLA policy');
  return commands as AuthDeps & TicketCommandDeps;
}

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

export function ticketIdOf(req: Request): string {
  const id = String(req.params.id);
  if (!isUuid(id)) throw new NotFoundError('Ticket', id);
  return id.toLowerCase();
}

/** The ticket, if the caller may see it; 404 otherwise (a ticket outside one's scope does not exist for one). */
export async function visibleTicket(deps: ApiDeps, auth: AuthContext, ticketId: string): Promise<TicketDoc> {
  const [doc, scope] = await Promise.all([getTicket(deps.readStore, ticketId), scopeOf(deps, auth)]);
  if (!doc || !inScope(doc, scope)) throw new NotFoundError('Ticket', ticketId);
  return doc;
}

/** If-Match: "3", 3 or W/"3" → 3. */
export function ifMatchOf(req: Request): number | undefined {
  const header = req.get('if-match');
  if (header === undefined) return undefined;
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!m) throw new ValidationError({ 'If-Match': ['The If-Match header must be an ETag from this API.'] });
  return Number(m[1]);
}

/** A page of list items, with customers and technicians looked up once for the page. */
export async function presentPage(deps: ApiDeps, docs: readonly TicketDoc[]) {
  const parties: Parties = await lookupParties(
    deps.readStore,
    docs.map((d) => d.customer_id),
    docs.flatMap((d) => (d.technician_id ? [d.technician_id] : [])),
  );
  return docs.map((d) => presentTicket(d, parties));
}

export async function presentDetail(deps: ApiDeps, doc: TicketDoc) {
  const parties = await lookupParties(deps.readStore, [doc.customer_id], usersNamedBy(doc));
  return presentTicketDetail(doc, parties);
}
