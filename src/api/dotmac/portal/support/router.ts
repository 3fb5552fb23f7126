import { Router, type Request } from 'express';
import { addTicketComment, createTicket } from '../../../../commands/tickets';
import { NotFoundError } from '../../../../domain/shared/errors';
import { ticketStream } from '../../../../domain/ticket';
import { canonicalTicketPriorities, canonicalTicketPriority, canonicalTicketStatuses, DOTMAC_TICKET_PRIORITIES, DOTMAC_TICKET_STATUSES, TICKET_CATEGORIES, typeOfCategory } from '../../../../domain/ticket/dotmac-vocabulary';
import type { TicketCommentEntry, TicketDoc } from '../../../../projections/tickets/projector';
import { lookupParties, ticketComment, ticketComments } from '../../../../projections/tickets/queries';
import { getCustomer } from '../../../../projections/customers/queries';
import { getPlans } from '../../../../projections/billing-catalog/queries';
import { customerTicket, customerTickets } from '../../../../projections/portal-support/queries';
import { subscriptionOfCustomer } from '../../../../projections/portal-services/queries';
import { setEventStream } from '../../../http/conditional';
import { metaFor } from '../../../http/context';
import { idempotent } from '../../../http/idempotency';
import { declareRoutes, route } from '../../../http/route';
import { array, constant, dateTime, integer, nullable, object, oneOfValues, string, uuid } from '../../../openapi/schema';
import { settle, type ApiDeps } from '../../../deps';
import { ok, okWithTexts, paginationOf } from '../../envelope';
import { ALWAYS, DOTMAC_COMPONENTS, dotmacDoc, dotmacSuccess, PORTAL_TAGS } from '../../openapi';
import { authenticatePortal, requirePortal } from '../../portal-auth';
import { commentBody, createTicketBody, ticketParams, ticketsQuery } from './input';
import { presentComment, presentTicketDetail, presentTicketSummary } from './presenter';
import { PresentedTexts } from '../../../http/json-text';

const base = { ...dotmacDoc, tag: PORTAL_TAGS.support };

const summaryProperties = {
  id: uuid(),
  ticket_number: string(),
  subject: string(),
  status: oneOfValues(DOTMAC_TICKET_STATUSES),
  priority: oneOfValues(DOTMAC_TICKET_PRIORITIES),
  category: oneOfValues(TICKET_CATEGORIES),
  created_date: dateTime(),
  last_update: dateTime(),
  assigned_technician: nullable(string()),
  sla_due_date: dateTime(),
};

const components = {
  ...DOTMAC_COMPONENTS,
  tags: [
    {
      name: PORTAL_TAGS.support,
      description:
        "Document 004 portal support: the signed-in customer's own tickets — the same tickets document 000's technicians work on (status new/assigned → open, pending → in_progress; priority normal → medium, emergency → critical). Internal (staff-only) comments are never shown. Another customer's ticket is 404.",
    },
  ],
  schemas: {
    ...DOTMAC_COMPONENTS.schemas,
    DotmacPortalTicket: object(summaryProperties),
    DotmacPortalTicketComment: object({
      id: uuid(),
      author: oneOfValues(['customer', 'technician', 'support']),
      author_name: string(),
      message: string(),
      timestamp: dateTime(),
      is_internal: constant(false),
    }),
    DotmacPortalTicketDetail: object({
      ...summaryProperties,
      description: string(),
      service_affected: nullable(object({ id: string(), type: constant('internet'), plan_name: nullable(string()) })),
      comments: array({ $ref: '#/components/schemas/DotmacPortalTicketComment' }),
    }),
  },
};

/** Document 004 "Portal Support", mounted at /api/portal/v1/support. */
export function portalSupportRouter(deps: ApiDeps): Router {
  const summaryTexts = new PresentedTexts(presentTicketSummary, (d, users) => [d.technician_id ? users.get(d.technician_id) : null]);
  const router = Router();
  const signedIn = authenticatePortal(deps);

  const namesFor = async (customerId: string, docs: readonly TicketDoc[], comments: readonly TicketCommentEntry[] = []) => {
    const userIds = [...docs.flatMap((d) => (d.technician_id ? [d.technician_id] : [])), ...comments.map((c) => c.user_id)];
    const [parties, customer] = await Promise.all([lookupParties(deps.readStore, [], userIds), getCustomer(deps.readStore, customerId)]);
    return { customer: customer?.full_name ?? 'Customer', users: parties.users };
  };

  const serviceOf = async (customerId: string, doc: TicketDoc) => {
    if (!doc.service_id) return null;
    const s = await subscriptionOfCustomer(deps.readStore, customerId, doc.service_id);
    if (!s) return null;
    const [plan] = await getPlans(deps.readStore, [s.paket_layanan_id]);
    return { id: s.id, plan_name: plan?.nama_paket ?? null };
  };

  const ownTicket = async (req: Request, ticketId: string) => {
    const doc = await customerTicket(deps.readStore, requirePortal(req).customerId, ticketId);
    if (!doc) throw new NotFoundError('Ticket', ticketId);
    return doc;
  };

  const detail = async (req: Request, ticketId: string, own?: TicketDoc) => {
    const portal = requirePortal(req);
    const doc = own ?? (await ownTicket(req, ticketId));
    const withNames = async () => {
      const comments = await ticketComments(deps.readStore, doc);
      return { comments, names: await namesFor(portal.customerId, [doc], comments) };
    };
    const [{ comments, names }, service] = await Promise.all([withNames(), serviceOf(portal.customerId, doc)]);
    return presentTicketDetail(doc, comments, names, service);
  };

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/tickets',
        query: ticketsQuery,
        before: [signedIn],
        keep: deps.keptAnswers,
        doc: {
          ...base,
          operationId: 'portalTicketList',
          summary: "The customer's support tickets, newest first",
          description: '`status`: open, in_progress, resolved, closed; `priority`: low, medium, high, critical (critical also finds emergencies). Paged with limit and offset.',
          success: [dotmacSuccess(200, 'A page of tickets.', object({ tickets: array({ $ref: '#/components/schemas/DotmacPortalTicket' }), total: integer() }), { paginated: true })],
          statuses: [...ALWAYS],
        },
        handle: async (req, res, { query }) => {
          const portal = requirePortal(req);
          const page = await customerTickets(
            deps.readStore,
            portal.customerId,
            {
              statuses: query.status ? canonicalTicketStatuses(query.status) : undefined,
              priorities: query.priority ? canonicalTicketPriorities(query.priority) : undefined,
            },
            { skip: query.offset, limit: query.limit },
          );
          const { users } = await namesFor(portal.customerId, page.items);
          okWithTexts(deps, req, res, { tickets: summaryTexts.page(page.items, users), total: page.total }, { pagination: paginationOf(query, page.total) });
        },
      }),
      route({
        method: 'post',
        path: '/tickets',
        body: createTicketBody,
        bodyLimit: '64kb',
        before: [signedIn],
        after: [idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger })],
        doc: {
          ...base,
          operationId: 'portalTicketCreate',
          summary: 'Open a support ticket',
          description:
            'A ticket in the same Ticket aggregate the technicians work on (channel `portal`), with the SLA of its priority. `category` (default general) is kept on the ticket and decides the work type the technicians see (technical → repair, sales → upgrade, billing and general → maintenance); `priority` (default medium) maps to normal for medium. `service_id`: one of the customer\'s services (404 otherwise). The ticket\'s location is the customer\'s coordinates when known.',
          idempotencyKey: true,
          success: [dotmacSuccess(201, 'The ticket.', object({ ticket: { $ref: '#/components/schemas/DotmacPortalTicketDetail' } }))],
          statuses: [404, ...ALWAYS],
        },
        handle: async (req, res, { body }) => {
          const portal = requirePortal(req);
          let serviceId: number | null = null;
          if (body.service_id != null) {
            const service = await subscriptionOfCustomer(deps.readStore, portal.customerId, body.service_id);
            if (!service) throw new NotFoundError('Service', String(body.service_id));
            serviceId = service.id;
          }
          const customer = await getCustomer(deps.readStore, portal.customerId);
          const created = await createTicket(
            deps.commands,
            {
              customerId: portal.customerId,
              type: typeOfCategory(body.category),
              priority: canonicalTicketPriority(body.priority),
              title: body.subject,
              description: body.description,
              location: customer?.coordinates ?? { lat: 0, lng: 0 },
              scheduledAt: null,
              attachments: [],
              channel: 'portal',
              category: body.category,
              serviceId,
            },
            { userId: portal.portalAccountId, role: 'customer' },
            metaFor(req),
          );
          await settle(deps, req, created.result.position);
          res.setHeader('Location', `/api/portal/v1/support/tickets/${created.ticketId}`);
          ok(deps, req, res, { ticket: await detail(req, created.ticketId) }, { status: 201, message: `Ticket ${created.ticketNumber} created` });
        },
      }),
      route({
        method: 'get',
        path: '/tickets/:ticket_id',
        params: ticketParams,
        before: [signedIn],
        doc: {
          ...base,
          operationId: 'portalTicketGet',
          summary: 'One of the customer\'s tickets with its comments (internal ones left out)',
          success: [dotmacSuccess(200, 'The ticket.', object({ ticket: { $ref: '#/components/schemas/DotmacPortalTicketDetail' } }), { headers: ['X-Event-Stream'] })],
          statuses: [404, ...ALWAYS],
        },
        handle: async (req, res, { params }) => {
          const doc = await ownTicket(req, params.ticket_id);
          const ticket = await detail(req, params.ticket_id, doc);
          setEventStream(res, ticketStream(doc._id));
          ok(deps, req, res, { ticket });
        },
      }),
      route({
        method: 'post',
        path: '/tickets/:ticket_id/comments',
        params: ticketParams,
        body: commentBody,
        bodyLimit: '64kb',
        before: [signedIn],
        after: [idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger })],
        doc: {
          ...base,
          operationId: 'portalTicketComment',
          summary: 'Add a comment to one of the customer\'s tickets',
          description: 'The technicians see it in document 000. A closed ticket takes no comments (409).',
          idempotencyKey: true,
          success: [dotmacSuccess(201, 'The comment.', object({ comment: { $ref: '#/components/schemas/DotmacPortalTicketComment' } }))],
          statuses: [404, 409, ...ALWAYS],
        },
        handle: async (req, res, { params, body }) => {
          const portal = requirePortal(req);
          await ownTicket(req, params.ticket_id);
          const { commentId, result } = await addTicketComment(
            deps.commands,
            params.ticket_id,
            { comment: body.message, attachments: [] },
            { userId: portal.portalAccountId, role: 'customer' },
            metaFor(req),
          );
          await settle(deps, req, result.position);
          const doc = await ownTicket(req, params.ticket_id);
          const comment = await ticketComment(deps.readStore, doc, commentId);
          if (!comment) throw new NotFoundError('Comment', commentId);
          ok(deps, req, res, { comment: presentComment(comment, await namesFor(portal.customerId, [])) }, { status: 201, message: 'Comment added' });
        },
      }),
    ],
    components,
  );
  return router;
}
