import { Router, type Request, type Response } from 'express';
import {
  addTicketComment,
  assignTicket,
  changeTicketStatus,
  createTicket,
  updateTicket,
} from '../../../commands/tickets';
import type { RequestMeta } from '../../../commands/context';
import type { CommandResult, HandleOptions } from '../../../commands/handle-command';
import { ForbiddenError, NotFoundError } from '../../../domain/shared/errors';
import { ticketStream, type TicketActor, type TicketState } from '../../../domain/ticket';
import { listTickets, customerIdsOfUser, lookupParties, ticketComment } from '../../../projections/tickets/queries';
import { authenticate } from '../../http/authenticate';
import { ifMatch, setEtag } from '../../http/conditional';
import { metaFor, requireAuth, type AuthContext } from '../../http/context';
import { idempotent } from '../../http/idempotency';
import { sendJsonText } from '../../http/json-text';
import { declareRoutes, route } from '../../http/route';
import { pagination as paginationSchema } from '../../openapi/components';
import { array, object, ref } from '../../openapi/schema';
import { fileUrlFor, settle, type ApiDeps } from '../../deps';
import { ok, okText, okWithTexts, pageOf, pagination } from '../envelope';
import { tmsErrorHandler } from '../errors';
import { TAGS, tms, uuidParams } from '../openapi';
import { allows, permit } from '../permissions';
import { detailAnswer, presentPage, scopeOf, visibleTicket, type TicketTexts } from './access';
import { assignBody, checkRange, commentBody, createTicketBody, listQuery, refuseFieldsChangedElsewhere, statusBody, updateTicketBody } from './input';
import { TICKET_PERMISSIONS as P } from './permissions';
import { DetailAnswers } from './detail-answers';
import { presentComment } from './presenter';
import { TICKET_SCHEMAS } from './schemas';

const base = { ...tms, tag: TAGS.tickets };
const ticketParams = uuidParams('ticket');
const ticketAnswer = object({ ticket: ref('TmsTicketDetail') });
export const ticketList = object({ tickets: array(ref('TmsTicket')), pagination: paginationSchema });
export const DATE_BOUND = 'A date (YYYY-MM-DD, the whole UTC day) or an ISO-8601 timestamp.';
const write = { ifMatch: true, statuses: [403, 404, 409] };

/**
 * Document 000 "Ticket Management", mounted at /api/tickets: the list with every documented
 * filter, create (Idempotency-Key), detail with attachments, comments and the history derived
 * from the ticket's events, update, assign, status and comments. Reads of one ticket carry an
 * ETag (the stream revision); writes accept If-Match (412 when stale).
 */
export function ticketsRouter(deps: ApiDeps, texts: TicketTexts): Router {
  const router = Router();
  const commands = deps.commands;
  const details = new DetailAnswers((ticket) => okText({ ticket }));
  router.use(authenticate(deps, 'staff'));

  /** After a write: wait for the read model, then answer with the ticket as it is now. */
  const answer = async (req: Request, res: Response, ticketId: string, result: CommandResult<TicketState>, status = 200) => {
    await settle(deps, req, result.position);
    const doc = await visibleTicket(deps, requireAuth(req), ticketId);
    setEtag(res, doc.revision, ticketStream(doc._id));
    sendJsonText(res, status, await detailAnswer(deps, details, doc, fileUrlFor(deps, req), requireAuth(req)));
  };

  /**
   * A write to one ticket: the caller must see it; `run` calls the command as the caller, with
   * the request's metadata and If-Match (it may refuse first, from the caller's role); the
   * answer is the ticket after it.
   */
  const writeTicket = async (
    req: Request,
    res: Response,
    id: string,
    run: (by: TicketActor, meta: RequestMeta, options: HandleOptions, auth: AuthContext) => Promise<CommandResult<TicketState>>,
  ) => {
    const auth = requireAuth(req);
    await visibleTicket(deps, auth, id);
    const result = await run({ userId: auth.userId, role: auth.role }, metaFor(req), { ifMatch: ifMatch(req) }, auth);
    await answer(req, res, id, result);
  };

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/',
        query: listQuery,
        before: [permit(P, 'view')],
        keep: deps.keptAnswers,
        doc: {
          ...base,
          operationId: 'ticketList',
          summary: 'List tickets',
          description: 'Newest first. Office roles see every ticket, a technician the tickets assigned to them, a customer their own.',
          queryDescriptions: {
            created_from: DATE_BOUND,
            created_to: `${DATE_BOUND} Must be after created_from.`,
            scheduled_from: DATE_BOUND,
            scheduled_to: `${DATE_BOUND} Must be after scheduled_from.`,
          },
          success: [{ status: 200, description: 'A page of tickets.', schema: ticketList }],
          statuses: [403],
          roles: P.view,
        },
        handle: async (req, res, { query: q }) => {
          checkRange(q, 'created_from', 'created_to');
          checkRange(q, 'scheduled_from', 'scheduled_to');
          const page = pageOf(q);
          const { items, total } = await listTickets(
            deps.readStore,
            {
              status: q.status,
              priority: q.priority,
              type: q.type,
              technicianId: q.technician_id,
              customerId: q.customer_id,
              createdFrom: q.created_from,
              createdTo: q.created_to,
              scheduledFrom: q.scheduled_from,
              scheduledTo: q.scheduled_to,
            },
            page,
            await scopeOf(deps, requireAuth(req)),
          );
          okWithTexts(res, { tickets: await presentPage(deps, texts, items), pagination: pagination(page, total) });
        },
      }),
      route({
        method: 'post',
        path: '/',
        body: createTicketBody,
        bodyLimit: '256kb',
        before: [permit(P, 'create')],
        after: [idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger })],
        doc: {
          ...base,
          operationId: 'ticketCreate',
          summary: 'Create a ticket',
          description: 'The SLA deadline follows the priority.',
          idempotencyKey: true,
          success: [{ status: 201, description: 'Created.', schema: ticketAnswer, headers: ['ETag', 'Location'] }],
          statuses: [403, 404, 409],
          roles: P.create,
          rolesNote: 'a customer: for their own customer record',
        },
        handle: async (req, res, { body }) => {
          const auth = requireAuth(req);
          if (auth.role === 'customer' && !(await customerIdsOfUser(deps.readStore, auth.userId)).includes(body.customer_id)) {
            throw new ForbiddenError('A customer may only open tickets for themself');
          }
          const { ticketId, result } = await createTicket(
            commands,
            {
              customerId: body.customer_id,
              type: body.type,
              priority: body.priority,
              title: body.title,
              description: body.description,
              location: body.location,
              scheduledAt: body.scheduled_at,
              attachments: body.attachments,
              channel: 'staff',
            },
            { userId: auth.userId, role: auth.role },
            metaFor(req),
          );
          res.setHeader('Location', `/api/tickets/${ticketId}`);
          await answer(req, res, ticketId, result, 201);
        },
      }),
      route({
        method: 'get',
        path: '/:id',
        params: ticketParams,
        entity: 'Ticket',
        before: [permit(P, 'view')],
        // Its history is the log's up to the document's revision: fixed while the document is.
        keep: deps.keptAnswers,
        doc: {
          ...base,
          operationId: 'ticketGet',
          summary: 'A ticket with attachments, comments and history',
          success: [{ status: 200, description: 'The ticket.', schema: ticketAnswer, headers: ['ETag'] }],
          statuses: [403, 404],
          roles: P.view,
        },
        handle: async (req, res, { params: { id } }) => {
          const doc = await visibleTicket(deps, requireAuth(req), id);
          setEtag(res, doc.revision, ticketStream(doc._id));
          sendJsonText(res, 200, await detailAnswer(deps, details, doc, fileUrlFor(deps, req), requireAuth(req)));
        },
      }),
      route({
        method: 'put',
        path: '/:id',
        params: ticketParams,
        entity: 'Ticket',
        body: updateTicketBody,
        bodyLimit: '256kb',
        before: [permit(P, 'update')],
        after: [
          (req, _res, next) => {
            refuseFieldsChangedElsewhere(req.body);
            next();
          },
        ],
        doc: {
          ...base,
          ...write,
          operationId: 'ticketUpdate',
          summary: 'Change title, description, priority, type, location or scheduled_at',
          description:
            'At least one field. status, technician_id, customer_id, ticket_number and sla_deadline are refused (422 naming where they change). A change to nothing appends nothing and keeps the ETag.',
          success: [{ status: 200, description: 'The ticket after the change.', schema: ticketAnswer, headers: ['ETag'] }],
          roles: P.update,
        },
        handle: (req, res, { params: { id }, body }) =>
          writeTicket(req, res, id, (by, meta, options) =>
            updateTicket(
              commands,
              id,
              {
                title: body.title,
                description: body.description,
                priority: body.priority,
                type: body.type,
                location: body.location,
                scheduledAt: body.scheduled_at,
              },
              by,
              meta,
              options,
            ),
          ),
      }),
      route({
        method: 'post',
        path: '/:id/assign',
        params: ticketParams,
        entity: 'Ticket',
        body: assignBody,
        bodyLimit: '256kb',
        before: [permit(P, 'assign')],
        doc: {
          ...base,
          ...write,
          operationId: 'ticketAssign',
          summary: 'Assign or reassign the ticket to a technician',
          description: 'An assignment the ticket’s state does not allow is 422 INVALID_STATE_TRANSITION.',
          success: [{ status: 200, description: 'The ticket after the assignment.', schema: ticketAnswer, headers: ['ETag'] }],
          roles: P.assign,
        },
        handle: (req, res, { params: { id }, body }) =>
          writeTicket(req, res, id, (by, meta, options) =>
            assignTicket(commands, id, { technicianId: body.technician_id, scheduledAt: body.scheduled_at, notes: body.notes }, by, meta, options),
          ),
      }),
      route({
        method: 'put',
        path: '/:id/status',
        params: ticketParams,
        entity: 'Ticket',
        body: statusBody,
        bodyLimit: '256kb',
        before: [permit(P, 'changeStatus')],
        doc: {
          ...base,
          ...write,
          operationId: 'ticketChangeStatus',
          summary: 'Move the ticket along its workflow',
          description: `A step the workflow does not allow is 422 INVALID_STATE_TRANSITION (details: current, allowed). A rating needs one of: ${P.rate.join(', ')}.`,
          success: [{ status: 200, description: 'The ticket after the change.', schema: ticketAnswer, headers: ['ETag'] }],
          roles: P.changeStatus,
          rolesNote: 'a technician: their own tickets',
        },
        handle: (req, res, { params: { id }, body }) =>
          writeTicket(req, res, id, (by, meta, options, auth) => {
            if (body.rating !== null && !allows(P, 'rate', auth.role)) {
              throw new ForbiddenError('You do not have permission to rate a ticket');
            }
            return changeTicketStatus(commands, id, { status: body.status, notes: body.notes, attachments: body.attachments, rating: body.rating }, by, meta, options);
          }),
      }),
      route({
        method: 'post',
        path: '/:id/comments',
        params: ticketParams,
        entity: 'Ticket',
        body: commentBody,
        bodyLimit: '256kb',
        before: [permit(P, 'comment')],
        doc: {
          ...base,
          ...write,
          operationId: 'ticketComment',
          summary: 'Add a comment',
          description:
            '`is_internal: true` makes it a staff-only note: the customer never sees it (not in this API, the portal, notifications or the history); a customer cannot write one (403).',
          success: [{ status: 201, description: 'The comment.', schema: object({ comment: ref('TmsTicketComment') }), headers: ['ETag', 'Location'] }],
          roles: P.comment,
          rolesNote: 'on tickets the caller can see',
        },
        handle: async (req, res, { params: { id }, body }) => {
          const auth = requireAuth(req);
          await visibleTicket(deps, auth, id);
          // Internal comments are staff notes: a customer cannot write one.
          if (body.is_internal && auth.role === 'customer') throw new ForbiddenError('A customer cannot add an internal comment');
          const { commentId, result } = await addTicketComment(
            commands,
            id,
            { comment: body.comment, attachments: body.attachments, isInternal: body.is_internal },
            { userId: auth.userId, role: auth.role },
            metaFor(req),
            { ifMatch: ifMatch(req) },
          );
          await settle(deps, req, result.position);
          const doc = await visibleTicket(deps, auth, id);
          const comment = await ticketComment(deps.readStore, doc, commentId);
          if (!comment) throw new NotFoundError('Comment', commentId);
          const parties = await lookupParties(deps.readStore, [], [comment.user_id]);
          setEtag(res, doc.revision, ticketStream(doc._id));
          res.setHeader('Location', `/api/tickets/${id}`);
          ok(res, { comment: presentComment(comment, parties) }, 201);
        },
      }),
    ],
    {
      tags: [
        {
          name: TAGS.tickets,
          description: 'Document 000, tickets with SLA, assignment, status workflow and comments (docs/api/000-tickets.md). A ticket outside the caller’s scope is 404.',
        },
      ],
      schemas: TICKET_SCHEMAS,
    },
  );

  router.use(tmsErrorHandler(deps.logger));
  return router;
}
