import type { Request, Router } from 'express';
import { assignWithSla, closeTicketWithResolution } from '../../../../commands/dotmac-tickets';
import { createArticle, publishArticle, updateArticle } from '../../../../commands/knowledge-base';
import { createTicket } from '../../../../commands/tickets';
import { knowledgeArticleStream } from '../../../../domain/knowledge-article';
import { NotFoundError, ValidationError } from '../../../../domain/shared/errors';
import { ticketStream } from '../../../../domain/ticket';
import { canonicalTicketPriority, DOTMAC_TICKET_PRIORITIES, DOTMAC_TICKET_STATUSES, TICKET_CATEGORIES, typeOfCategory } from '../../../../domain/ticket/dotmac-vocabulary';
import { getLangganan } from '../../../../projections/billing-customers/queries';
import { getCustomer } from '../../../../projections/customers/queries';
import { getSupportTicket, listSupportTickets } from '../../../../projections/dotmac-tickets/queries';
import { getArticle, listArticles } from '../../../../projections/knowledge-base/queries';
import { settle, type ApiDeps } from '../../../deps';
import { setEventStream } from '../../../http/conditional';
import { metaFor, requireAuth } from '../../../http/context';
import { idempotent } from '../../../http/idempotency';
import { declareRoutes, route } from '../../../http/route';
import { array, boolean, dateTime, integer, nullable, object, oneOfValues, ref, string, uuid } from '../../../openapi/schema';
import { ok, okWithTexts, paginationOf } from '../../envelope';
import { ALWAYS, DOTMAC_COMPONENTS, dotmacDoc, dotmacSuccess } from '../../openapi';
import { permit } from '../permissions';
import { ADMIN_TAGS, adminRouter, closeAdminRouter, rolesDoc } from '../shared';
import { articleParams, articlesQuery, assignBody, closeBody, createArticleBody, createTicketBody, ticketParams, ticketsQuery, updateArticleBody } from './input';
import { presentArticle, presentTicket } from './presenter';
import { PresentedTexts } from '../../../http/json-text';

const components = {
  ...DOTMAC_COMPONENTS,
  tags: [
    {
      name: ADMIN_TAGS.tickets,
      description:
        'Document 004 "Tickets Management": the same Ticket aggregate as document 000 and the portal. Statuses open (new, assigned), in_progress (in_progress, pending), resolved, closed; priorities low, medium (normal), high, critical (critical, emergency). `ticket.created` and `ticket.resolved` are announced to webhooks.',
    },
    { name: ADMIN_TAGS.kb, description: 'Document 004 "Knowledge Base Management": articles written as drafts or published, changed and published.' },
  ],
  schemas: {
    ...DOTMAC_COMPONENTS.schemas,
    DotmacSupportTicket: object({
      id: uuid(),
      ticket_number: string(),
      subject: string(),
      description: string(),
      status: oneOfValues(DOTMAC_TICKET_STATUSES),
      priority: oneOfValues(DOTMAC_TICKET_PRIORITIES),
      category: oneOfValues(TICKET_CATEGORIES),
      customer_id: uuid(),
      service_id: nullable(string()),
      assigned_to: nullable(uuid('The technician.')),
      channel: oneOfValues(['staff', 'portal']),
      sla_due_date: dateTime(),
      sla_breached: boolean('A breach was recorded, or the ticket was resolved after its SLA due date.'),
      created_date: dateTime(),
      last_update: dateTime(),
      resolved_date: nullable(dateTime()),
      closed_date: nullable(dateTime()),
      resolution: nullable(string()),
      resolution_category: nullable(string()),
      customer_satisfaction: nullable(integer()),
      follow_up_required: nullable(boolean()),
    }),
    DotmacArticle: object({
      id: uuid(),
      title: string(),
      content: string(),
      category: string(),
      tags: array(string()),
      status: oneOfValues(['draft', 'published']),
      author_id: string(),
      published_at: nullable(dateTime()),
      created_at: dateTime(),
      updated_at: dateTime(),
    }),
  },
};

const actor = (req: Request) => {
  const a = requireAuth(req);
  return { userId: a.userId, role: a.role };
};

/** Document 004 "Support Module APIs", mounted at /api/v1/support. */
export function supportRouter(deps: ApiDeps): Router {
  const ticketTexts = new PresentedTexts(presentTicket);
  const articleTexts = new PresentedTexts(presentArticle);
  const router = adminRouter(deps);
  const idempotency = idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger });

  const ticketOf = async (id: string) => {
    const doc = await getSupportTicket(deps.readStore, id);
    if (!doc) throw new NotFoundError('Ticket', id);
    return doc;
  };
  const articleOf = async (id: string) => {
    const doc = await getArticle(deps.readStore, id);
    if (!doc) throw new NotFoundError('Article', id);
    return doc;
  };
  const ticketDoc = (operationId: string, summary: string, description: string, permission: Parameters<typeof rolesDoc>[0], success: ReturnType<typeof dotmacSuccess>, statuses: number[]) => ({
    ...dotmacDoc,
    tag: ADMIN_TAGS.tickets,
    ...rolesDoc(permission),
    operationId,
    summary,
    description,
    success: [success],
    statuses: [...statuses, ...ALWAYS],
  });
  const kbDoc = (operationId: string, summary: string, description: string, permission: Parameters<typeof rolesDoc>[0], success: ReturnType<typeof dotmacSuccess>, statuses: number[]) => ({
    ...ticketDoc(operationId, summary, description, permission, success, statuses),
    tag: ADMIN_TAGS.kb,
  });

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/tickets',
        query: ticketsQuery,
        before: [permit('tickets.list')],
        keep: deps.keptAnswers,
        doc: ticketDoc(
          'dotmacSupportTicketList',
          'List all support tickets with advanced filtering',
          'Newest first. `status`, `priority`, `category`, `assigned_to` (a technician), `created_from`/`created_to` (a date covers its whole day, UTC), `sla_breach` (true: the SLA was breached), `limit`, `offset`.',
          'tickets.list',
          dotmacSuccess(200, 'A page of tickets.', object({ tickets: array(ref('DotmacSupportTicket')) }), { paginated: true }),
          [403, 422],
        ),
        handle: async (req, res, { query }) => {
          const { items, total } = await listSupportTickets(deps.readStore, {
            status: query.status,
            priority: query.priority,
            category: query.category,
            assignedTo: query.assigned_to,
            createdFrom: query.created_from,
            createdTo: query.created_to,
            slaBreach: query.sla_breach,
            skip: query.offset,
            limit: query.limit,
          });
          okWithTexts(deps, req, res, { tickets: ticketTexts.page(items) }, { pagination: paginationOf(query, total) });
        },
      }),
      route({
        method: 'post',
        path: '/tickets',
        body: createTicketBody,
        bodyLimit: '64kb',
        before: [permit('tickets.create')],
        after: [idempotency],
        doc: {
          ...ticketDoc(
            'dotmacSupportTicketCreate',
            'Create a ticket (admin and support staff)',
            "For the customer, with the SLA of its priority; `category` (default general) is kept and decides the work type technicians see (technical → repair, sales → upgrade, billing and general → maintenance); `service_id`: one of the customer's service instances. The location is the customer's coordinates when known. Announced as `ticket.created`.",
            'tickets.create',
            dotmacSuccess(201, 'Created.', object({ ticket: ref('DotmacSupportTicket') })),
            [403, 422],
          ),
          idempotencyKey: true,
        },
        handle: async (req, res, { body }) => {
          const customer = await getCustomer(deps.readStore, body.customer_id);
          if (!customer) throw new ValidationError({ customer_id: ['The customer does not exist.'] });
          if (body.service_id !== undefined) {
            const service = await getLangganan(deps.readStore, body.service_id);
            if (!service || service.customer_id !== body.customer_id) throw new ValidationError({ service_id: ["The service_id is not one of the customer's service instances."] });
          }
          const created = await createTicket(
            deps.commands,
            {
              customerId: body.customer_id,
              type: typeOfCategory(body.category),
              priority: canonicalTicketPriority(body.priority),
              title: body.subject,
              description: body.description,
              location: customer.coordinates ?? { lat: 0, lng: 0 },
              scheduledAt: null,
              attachments: [],
              channel: 'staff',
              category: body.category,
              ...(body.service_id !== undefined ? { serviceId: body.service_id } : {}),
            },
            actor(req),
            metaFor(req),
          );
          await settle(deps, req, created.result.position);
          ok(deps, req, res, { ticket: presentTicket(await ticketOf(created.ticketId)) }, { status: 201, message: 'Ticket created successfully' });
        },
      }),
      route({
        method: 'get',
        path: '/tickets/:ticket_id',
        params: ticketParams,
        before: [permit('tickets.list')],
        doc: ticketDoc(
          'dotmacSupportTicketGet',
          'One ticket',
          'Comments and history: document 000 (GET /api/tickets/{id}).',
          'tickets.list',
          dotmacSuccess(200, 'The ticket.', object({ ticket: ref('DotmacSupportTicket') }), { headers: ['X-Event-Stream'] }),
          [403, 404],
        ),
        handle: async (req, res, { params }) => {
          const doc = await ticketOf(params.ticket_id);
          setEventStream(res, ticketStream(doc._id));
          ok(deps, req, res, { ticket: presentTicket(doc) });
        },
      }),
      route({
        method: 'put',
        path: '/tickets/:ticket_id/assign',
        params: ticketParams,
        body: assignBody,
        bodyLimit: '16kb',
        before: [permit('tickets.assign')],
        doc: ticketDoc(
          'dotmacSupportTicketAssign',
          'Assign a ticket to a technician',
          '`assigned_to`: an active technician (422 otherwise, and nothing changes). `priority` changes the priority (and the SLA due date with it); `sla_hours` sets the SLA due date to the creation time plus these hours (it wins over the priority\'s); `notes` go with the assignment. A closed or resolved ticket is not assigned (409).',
          'tickets.assign',
          dotmacSuccess(200, 'The ticket after the assignment.', object({ ticket: ref('DotmacSupportTicket') })),
          [403, 404, 409, 422],
        ),
        handle: async (req, res, { params, body }) => {
          await ticketOf(params.ticket_id);
          const result = await assignWithSla(
            deps.commands,
            params.ticket_id,
            {
              technicianId: body.assigned_to,
              ...(body.priority !== undefined ? { priority: canonicalTicketPriority(body.priority) } : {}),
              ...(body.sla_hours !== undefined ? { slaHours: body.sla_hours } : {}),
              notes: body.notes ?? null,
            },
            actor(req),
            metaFor(req),
          );
          await settle(deps, req, result.position);
          ok(deps, req, res, { ticket: presentTicket(await ticketOf(params.ticket_id)) }, { message: 'Ticket assigned' });
        },
      }),
      route({
        method: 'post',
        path: '/tickets/:ticket_id/close',
        params: ticketParams,
        body: closeBody,
        bodyLimit: '16kb',
        before: [permit('tickets.close')],
        doc: ticketDoc(
          'dotmacSupportTicketClose',
          'Close a ticket with its resolution',
          'From any open status the ticket is resolved (if it is not yet: `ticket.resolved`) and closed, both steps recorded with the `resolution`, `resolution_category` and `follow_up_required`; `customer_satisfaction` (1–5) is the closing rating. A closed ticket is 409.',
          'tickets.close',
          dotmacSuccess(200, 'The closed ticket.', object({ ticket: ref('DotmacSupportTicket') })),
          [403, 404, 409, 422],
        ),
        handle: async (req, res, { params, body }) => {
          await ticketOf(params.ticket_id);
          const result = await closeTicketWithResolution(
            deps.commands,
            params.ticket_id,
            { resolution: body.resolution, resolutionCategory: body.resolution_category ?? null, satisfaction: body.customer_satisfaction ?? null, followUpRequired: body.follow_up_required },
            actor(req),
            metaFor(req),
          );
          await settle(deps, req, result.position);
          ok(deps, req, res, { ticket: presentTicket(await ticketOf(params.ticket_id)) }, { message: 'Ticket closed' });
        },
      }),
      route({
        method: 'get',
        path: '/knowledge-base',
        query: articlesQuery,
        before: [permit('kb.list')],
        keep: deps.keptAnswers,
        doc: kbDoc(
          'dotmacKnowledgeBaseList',
          'Get knowledge base articles',
          'Newest first. `status` (draft, published), `category`, `tag`, `search` (word prefixes of the title, category and tags), `limit`, `offset`.',
          'kb.list',
          dotmacSuccess(200, 'A page of articles.', object({ articles: array(ref('DotmacArticle')) }), { paginated: true }),
          [403, 422],
        ),
        handle: async (req, res, { query }) => {
          const { items, total } = await listArticles(deps.readStore, { status: query.status, category: query.category, tag: query.tag, search: query.search || undefined, skip: query.offset, limit: query.limit });
          okWithTexts(deps, req, res, { articles: articleTexts.page(items) }, { pagination: paginationOf(query, total) });
        },
      }),
      route({
        method: 'post',
        path: '/knowledge-base',
        body: createArticleBody,
        bodyLimit: '512kb',
        before: [permit('kb.write')],
        doc: kbDoc(
          'dotmacKnowledgeBaseCreate',
          'Create a knowledge base article',
          'A draft, or published at once with `published: true`. Category and tags are kept in lower case.',
          'kb.write',
          dotmacSuccess(201, 'Created.', object({ article: ref('DotmacArticle') })),
          [403, 422],
        ),
        handle: async (req, res, { body }) => {
          const created = await createArticle(deps.commands, { content: { title: body.title, content: body.content, category: body.category, tags: body.tags }, publish: body.published, by: requireAuth(req).userId }, metaFor(req));
          await settle(deps, req, created.result.position);
          ok(deps, req, res, { article: presentArticle(await articleOf(created.articleId)) }, { status: 201, message: 'Article created' });
        },
      }),
      route({
        method: 'get',
        path: '/knowledge-base/:article_id',
        params: articleParams,
        before: [permit('kb.list')],
        doc: kbDoc('dotmacKnowledgeBaseGet', 'One article', 'With its whole content.', 'kb.list', dotmacSuccess(200, 'The article.', object({ article: ref('DotmacArticle') }), { headers: ['X-Event-Stream'] }), [403, 404]),
        handle: async (req, res, { params }) => {
          const doc = await articleOf(params.article_id);
          setEventStream(res, knowledgeArticleStream(doc._id));
          ok(deps, req, res, { article: presentArticle(doc) });
        },
      }),
      route({
        method: 'put',
        path: '/knowledge-base/:article_id',
        params: articleParams,
        body: updateArticleBody,
        bodyLimit: '512kb',
        before: [permit('kb.write')],
        doc: kbDoc('dotmacKnowledgeBaseUpdate', 'Change an article', 'Only the fields given change; a published article stays published.', 'kb.write', dotmacSuccess(200, 'The article after the change.', object({ article: ref('DotmacArticle') })), [403, 404, 422]),
        handle: async (req, res, { params, body }) => {
          await articleOf(params.article_id);
          const result = await updateArticle(deps.commands, params.article_id, body, requireAuth(req).userId, metaFor(req));
          await settle(deps, req, result.position);
          ok(deps, req, res, { article: presentArticle(await articleOf(params.article_id)) }, { message: 'Article updated' });
        },
      }),
      route({
        method: 'post',
        path: '/knowledge-base/:article_id/publish',
        params: articleParams,
        before: [permit('kb.write')],
        doc: kbDoc('dotmacKnowledgeBasePublish', 'Publish an article', 'Publishing a published article changes nothing.', 'kb.write', dotmacSuccess(200, 'The published article.', object({ article: ref('DotmacArticle') })), [403, 404]),
        handle: async (req, res, { params }) => {
          await articleOf(params.article_id);
          const result = await publishArticle(deps.commands, params.article_id, requireAuth(req).userId, metaFor(req));
          await settle(deps, req, result.position);
          ok(deps, req, res, { article: presentArticle(await articleOf(params.article_id)) }, { message: 'Article published' });
        },
      }),
    ],
    components,
  );
  return closeAdminRouter(router, deps);
}
