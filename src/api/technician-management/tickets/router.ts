import express, { Router, type Request, type Response } from 'express';
import {
  addTicketComment,
  assignTicket,
  changeTicketStatus,
  createTicket,
  updateTicket,
} from '../../../commands/tickets';
import type { CommandResult } from '../../../commands/handle-command';
import { ForbiddenError, NotFoundError } from '../../../domain/shared/errors';
import type { TicketState } from '../../../domain/ticket';
import { listTickets, customerIdsOfUser, lookupParties } from '../../../projections/tickets/queries';
import { authenticate } from '../../http/authenticate';
import { ifMatch, setEtag } from '../../http/conditional';
import { metaFor, requireAuth } from '../../http/context';
import { idempotent } from '../../http/idempotency';
import { validate } from '../../http/validation';
import { fileUrlFor, settle, type ApiDeps } from '../../deps';
import { ok, pageOf, pagination } from '../envelope';
import { tmsErrorHandler } from '../errors';
import { allows, permit } from '../permissions';
import {
  presentDetail,
  presentPage,
  scopeOf,
  ticketIdOf,
  visibleTicket,
} from './access';
import { assignBody, commentBody, createTicketBody, parseListQuery, parseUpdateBody, statusBody } from './input';
import { TICKET_PERMISSIONS as P } from './permissions';
import { presentComment } from './presenter';
import { ticketStream } from '../../../domain/ticket';

const json = express.json({ limit: '256kb' });

/**
 * Document 000 "Ticket Management", mounted at /api/tickets: the list with every documented
 * filter, create (Idempotency-Key), detail with attachments, comments and the history derived
 * from the ticket's events, update, assign, status and comments. Reads of one ticket carry an
 * ETag (the stream revision); writes accept If-Match (412 when stale).
 */
export function ticketsRouter(deps: ApiDeps): Router {
  const router = Router();
  const commands = deps.commands;
  router.use(authenticate(deps, 'staff'));

  /** After a write: wait for the read model, then answer with the ticket as it is now. */
  const answer = async (req: Request, res: Response, ticketId: string, result: CommandResult<TicketState>, status = 200) => {
    await settle(deps, req, result.position);
    const doc = await visibleTicket(deps, requireAuth(req), ticketId);
    setEtag(res, doc.revision, ticketStream(doc._id));
    ok(res, { ticket: await presentDetail(deps, doc, fileUrlFor(deps, req), requireAuth(req)) }, status);
  };

  router.get('/', permit(P, 'view'), async (req, res) => {
    const auth = requireAuth(req);
    const q = parseListQuery(req);
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
      await scopeOf(deps, auth),
    );
    ok(res, { tickets: await presentPage(deps, items), pagination: pagination(page, total) });
  });

  router.post(
    '/',
    permit(P, 'create'),
    json,
    idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger }),
    async (req, res) => {
      const auth = requireAuth(req);
      const body = validate(createTicketBody, req.body ?? {});
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
  );

  router.get('/:id', permit(P, 'view'), async (req, res) => {
    const doc = await visibleTicket(deps, requireAuth(req), ticketIdOf(req));
    setEtag(res, doc.revision, ticketStream(doc._id));
    ok(res, { ticket: await presentDetail(deps, doc, fileUrlFor(deps, req), requireAuth(req)) });
  });

  router.put('/:id', permit(P, 'update'), json, async (req, res) => {
    const auth = requireAuth(req);
    const id = ticketIdOf(req);
    await visibleTicket(deps, auth, id);
    const body = parseUpdateBody(req.body);
    const result = await updateTicket(
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
      { userId: auth.userId, role: auth.role },
      metaFor(req),
      { ifMatch: ifMatch(req) },
    );
    await answer(req, res, id, result);
  });

  router.post('/:id/assign', permit(P, 'assign'), json, async (req, res) => {
    const auth = requireAuth(req);
    const id = ticketIdOf(req);
    await visibleTicket(deps, auth, id);
    const body = validate(assignBody, req.body ?? {});
    const result = await assignTicket(
      commands,
      id,
      { technicianId: body.technician_id, scheduledAt: body.scheduled_at, notes: body.notes },
      { userId: auth.userId, role: auth.role },
      metaFor(req),
      { ifMatch: ifMatch(req) },
    );
    await answer(req, res, id, result);
  });

  router.put('/:id/status', permit(P, 'changeStatus'), json, async (req, res) => {
    const auth = requireAuth(req);
    const id = ticketIdOf(req);
    await visibleTicket(deps, auth, id);
    const body = validate(statusBody, req.body ?? {});
    if (body.rating !== null && !allows(P, 'rate', auth.role)) {
      throw new ForbiddenError('You do not have permission to rate a ticket');
    }
    const result = await changeTicketStatus(
      commands,
      id,
      { status: body.status, notes: body.notes, attachments: body.attachments, rating: body.rating },
      { userId: auth.userId, role: auth.role },
      metaFor(req),
      { ifMatch: ifMatch(req) },
    );
    await answer(req, res, id, result);
  });

  router.post('/:id/comments', permit(P, 'comment'), json, async (req, res) => {
    const auth = requireAuth(req);
    const id = ticketIdOf(req);
    await visibleTicket(deps, auth, id);
    const body = validate(commentBody, req.body ?? {});
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
    const comment = doc.comments.find((c) => c.id === commentId);
    if (!comment) throw new NotFoundError('Comment', commentId);
    const parties = await lookupParties(deps.readStore, [], [comment.user_id]);
    setEtag(res, doc.revision, ticketStream(doc._id));
    res.setHeader('Location', `/api/tickets/${id}`);
    ok(res, { comment: presentComment(comment, parties) }, 201);
  });

  router.use(tmsErrorHandler(deps.logger));
  return router;
}
