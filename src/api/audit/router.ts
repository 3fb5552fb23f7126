import { Router, type Response } from 'express';
import { billingHistory } from '../../audit/billing-history';
import { streamDiff } from '../../audit/diff';
import { eventsOfStreams, exportLine } from '../../audit/export';
import { stateAt, type StatePoint } from '../../audit/state';
import { verifyLog, verifyStream } from '../../audit/verify';
import { aggregateOf } from '../../domain/aggregates';
import { NotFoundError } from '../../domain/shared/errors';
import type { RecordedEvent } from '../../ports/event-store';
import { eventsByLookupId, streamsOfCustomer } from '../../projections/audit/queries';
import { authenticate } from '../http/authenticate';
import { setEtag } from '../http/conditional';
import { declareRoutes, route } from '../http/route';
import { pagination as paginationSchema } from '../openapi/components';
import { array, integer, nullable, object, ref, string, uuid } from '../openapi/schema';
import type { ApiDeps } from '../deps';
import { ok, pageOf, pagination } from '../technician-management/envelope';
import { tmsErrorHandler } from '../technician-management/errors';
import { permit } from '../technician-management/permissions';
import { correlationParams, customerParams, diffQuery, eventPageQuery, stateQuery, streamParams, verifyBody } from './input';
import { AUDIT_PERMISSIONS as P } from './permissions';
import { AUDIT_SCHEMAS, presentBillingEntry, presentChange, presentEvent, withoutSecrets } from './presenter';

export const AUDIT_TAG = 'Audit';

const base = { tag: AUDIT_TAG, errors: 'tms' as const, envelope: 'tms' as const, auth: true, roles: P.read };

const NDJSON = 'application/x-ndjson';
const ndjson = {
  [NDJSON]: {
    schema: { type: 'string', description: 'One event per line, as GET /streams/{stream} shows them (`redacted` only where something was).' },
  },
};

/** Writes events as JSON Lines, one write per line (an export of a customer is a few thousand lines). */
function sendJsonLines(res: Response, filename: string, events: readonly RecordedEvent[]): void {
  res.status(200).type(NDJSON).setHeader('Content-Disposition', `attachment; filename="${filename}.jsonl"`);
  for (const e of events) {
    const { redacted, ...rest } = presentEvent(e);
    res.write(exportLine({ ...rest, redacted }));
  }
  res.end();
}

/**
 * The audit API (issue 15), mounted at /api/v1/audit, for the super admin and the `auditor` role,
 * read-only, in document 000's envelope and error format (as /ops): any aggregate's full event
 * stream with its metadata and hashes, its state at a revision or a time (its own `evolve` over
 * its events), what changed between two revisions, every event one request or correlation id
 * caused, a customer's billing history, exports as JSON Lines, and the hash-chain check.
 * docs/audit.md is the auditor's guide.
 */
export function auditRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(authenticate(deps, 'staff'));
  const store = deps.commands.eventStore;
  const stateDeps = { eventStore: store, registry: deps.commands.registry };

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/streams/:stream',
        params: streamParams,
        query: eventPageQuery,
        before: [permit(P, 'read')],
        doc: {
          ...base,
          operationId: 'auditStream',
          summary: "An aggregate's full event stream, with metadata and hashes, a page at a time",
          description: 'Page n holds revisions (n-1)·limit to n·limit-1. Works for every stream, aggregate or not (reservations, sequences, idempotency keys).',
          queryDescriptions: { page: 'Page number (1-based).', limit: 'Events per page (1–500, default 100).' },
          success: [
            {
              status: 200,
              description: 'A page of the stream.',
              headers: ['ETag'],
              schema: object({
                stream: string(),
                aggregate: nullable(string('The aggregate (stream prefix) whose state GET /streams/{stream}/state folds, or null.')),
                revision: integer('The stream’s last revision.'),
                events: array(ref('AuditEvent')),
                pagination: paginationSchema,
              }),
            },
          ],
          statuses: [403, 404],
        },
        handle: async (_req, res, { params: { stream }, query }) => {
          const page = pageOf(query);
          const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
          if (!last) throw new NotFoundError('Stream', stream);
          const events = await store.readStream(stream, { fromRevision: page.skip, maxCount: page.limit });
          setEtag(res, last.revision, stream);
          ok(res, {
            stream,
            aggregate: aggregateOf(stream)?.prefix ?? null,
            revision: last.revision,
            events: events.map(presentEvent),
            pagination: pagination(page, last.revision + 1),
          });
        },
      }),
      route({
        method: 'get',
        path: '/streams/:stream/state',
        params: streamParams,
        query: stateQuery,
        before: [permit(P, 'read')],
        doc: {
          ...base,
          operationId: 'auditStreamState',
          summary: "The aggregate's state at a revision or a time, by replaying its events",
          description:
            'The aggregate’s own decider `evolve` over its events (upcast to their current shape) up to `revision`, or up to the last event recorded at or before `at`; the current state without either. 404 for a revision the stream does not have yet, or a time before its first event; 422 for a stream that is not an aggregate’s.',
          queryDescriptions: { revision: 'Fold the events up to and including this revision.', at: 'Fold the events recorded at or before this time (ISO-8601).' },
          success: [
            {
              status: 200,
              description: 'The state.',
              headers: ['ETag'],
              schema: object({
                stream: string(),
                aggregate: string(),
                revision: integer('The last revision folded in.'),
                timestamp: string('When that event was recorded.'),
                current_revision: integer('The stream’s last revision now.'),
                state: { type: 'object', description: 'The decider’s state (src/domain/<aggregate>/decider.ts), secrets redacted.' },
              }),
            },
          ],
          statuses: [403, 404],
        },
        handle: async (_req, res, { params: { stream }, query }) => {
          const point: StatePoint = query.revision !== undefined ? { revision: query.revision } : query.at !== undefined ? { at: query.at } : {};
          const s = await stateAt(stateDeps, stream, point);
          setEtag(res, s.currentRevision, stream);
          ok(res, { stream, aggregate: s.aggregate, revision: s.revision, timestamp: s.timestamp, current_revision: s.currentRevision, state: withoutSecrets(s.state) });
        },
      }),
      route({
        method: 'get',
        path: '/streams/:stream/diff',
        params: streamParams,
        query: diffQuery,
        before: [permit(P, 'read')],
        doc: {
          ...base,
          operationId: 'auditStreamDiff',
          summary: 'What changed in the aggregate between two revisions, and the events that changed it',
          queryDescriptions: { from: 'The revision before.', to: 'The revision after (at least `from`).' },
          success: [
            {
              status: 200,
              description: 'The fields whose values differ between the two states, and the events after `from` up to `to`.',
              schema: object({ stream: string(), aggregate: string(), from: integer(), to: integer(), changes: array(ref('AuditFieldChange')), events: array(ref('AuditEvent')) }),
            },
          ],
          statuses: [403, 404],
        },
        handle: async (_req, res, { params: { stream }, query }) => {
          const d = await streamDiff(stateDeps, stream, query.from, query.to);
          ok(res, { stream, aggregate: d.aggregate, from: d.from, to: d.to, changes: d.changes.map(presentChange), events: d.events.map(presentEvent) });
        },
      }),
      route({
        method: 'get',
        path: '/streams/:stream/export',
        params: streamParams,
        before: [permit(P, 'read')],
        doc: {
          ...base,
          envelope: 'none',
          operationId: 'auditStreamExport',
          summary: 'One stream as JSON Lines with its hashes, to check outside the product',
          description: 'docs/audit.md shows how to recompute the chain (scripts/verify-export.mjs).',
          success: [{ status: 200, description: 'The stream, one event per line, revision 0 first.', otherContent: ndjson }],
          statuses: [403, 404],
        },
        handle: async (_req, res, { params: { stream } }) => {
          const events = await store.readStream(stream);
          if (events.length === 0) throw new NotFoundError('Stream', stream);
          sendJsonLines(res, stream, events);
        },
      }),
      route({
        method: 'get',
        path: '/correlations/:id',
        params: correlationParams,
        query: eventPageQuery,
        before: [permit(P, 'read')],
        doc: {
          ...base,
          operationId: 'auditCorrelation',
          summary: 'Every event one request or correlation id caused, across all streams, in log order',
          description: 'A client’s `X-Request-Id` (validated: 1–128 of A–Z a–z 0–9 . _ : -) becomes the request id of every event its request appends, and is answered back in `X-Request-Id`; `X-Correlation-Id` likewise names a correlation across requests.',
          queryDescriptions: { page: 'Page number (1-based).', limit: 'Events per page (1–500, default 100).' },
          success: [
            {
              status: 200,
              description: 'A page of the events.',
              schema: object({ id: string(), events: array(ref('AuditEvent')), pagination: paginationSchema }),
            },
          ],
          statuses: [403, 404],
        },
        handle: async (_req, res, { params: { id }, query }) => {
          const page = pageOf(query);
          const { items, total } = await eventsByLookupId(deps.readStore, id, page);
          if (total === 0) throw new NotFoundError('Correlation', id);
          const events = await Promise.all(
            items.map(async (ref) => (await store.readStream(ref.stream, { fromRevision: ref.revision, maxCount: 1 }))[0]),
          );
          ok(res, { id, events: events.filter((e): e is RecordedEvent => e !== undefined).map(presentEvent), pagination: pagination(page, total) });
        },
      }),
      route({
        method: 'get',
        path: '/customers/:id/billing-history',
        params: customerParams,
        before: [permit(P, 'read')],
        doc: {
          ...base,
          operationId: 'auditCustomerBillingHistory',
          summary: "A customer's complete billing history in one answer: invoices, payments, refunds, suspensions, in order",
          description: 'Every event of the customer’s invoices, payments and subscriptions (suspension and reactivation are the subscription’s), read from the log and merged in log order.',
          success: [
            {
              status: 200,
              description: 'The history.',
              schema: object({ customer_id: uuid(), streams: array(string(), 'The billing streams the history is read from.'), entries: array(ref('AuditBillingEntry')) }),
            },
          ],
          statuses: [403, 404],
        },
        handle: async (_req, res, { params: { id } }) => {
          const streams = await customerStreams(deps, id);
          const entries = await billingHistory(stateDeps, streams);
          ok(res, { customer_id: id, streams: [...new Set(entries.map((e) => e.event.streamName))], entries: entries.map(presentBillingEntry) });
        },
      }),
      route({
        method: 'get',
        path: '/customers/:id/export',
        params: customerParams,
        before: [permit(P, 'read')],
        doc: {
          ...base,
          envelope: 'none',
          operationId: 'auditCustomerExport',
          summary: 'A whole customer as JSON Lines with the hashes: every stream that names it, whole, in log order',
          success: [{ status: 200, description: 'The events, one per line.', otherContent: ndjson }],
          statuses: [403, 404],
        },
        handle: async (_req, res, { params: { id } }) => {
          const events = await eventsOfStreams(store, await customerStreams(deps, id));
          sendJsonLines(res, `customer-${id}`, events);
        },
      }),
      route({
        method: 'post',
        path: '/verify',
        body: verifyBody,
        before: [permit(P, 'read')],
        doc: {
          ...base,
          operationId: 'auditVerify',
          summary: 'Check the hash chain of one stream or of the whole store; reports the first broken link',
          description: 'Recomputes every hash; a changed, removed, inserted or reordered event breaks its stream’s chain. The whole store is read once in log order (on a large store this takes a while: the command line `npm run cli -- verify` shows progress).',
          bodyDescription: '`{ "stream": "ticket-…" }` for one stream; `{}` (or no body) for every stream.',
          bodyRequired: false,
          success: [{ status: 200, description: 'The verification (200 whether or not the chain holds: see `ok`).', schema: ref('AuditVerification') }],
          statuses: [403, 404],
        },
        handle: async (_req, res, { body }) => {
          if (body.stream) {
            const result = await verifyStream(store, body.stream);
            if (!result) throw new NotFoundError('Stream', body.stream);
            ok(res, result);
            return;
          }
          ok(res, await verifyLog(store));
        },
      }),
    ],
    {
      tags: [
        {
          name: AUDIT_TAG,
          description: 'For auditors (super_admin and auditor; read-only), in document 000’s envelope and error format: docs/audit.md.',
        },
      ],
      schemas: AUDIT_SCHEMAS,
    },
  );

  router.use(tmsErrorHandler(deps.logger));
  return router;
}

/** The streams of a customer (the audit index); 404 for an id that never was a customer. */
async function customerStreams(deps: ApiDeps, customerId: string): Promise<string[]> {
  const streams = await streamsOfCustomer(deps.readStore, customerId);
  if (streams.length === 0) throw new NotFoundError('Customer', customerId);
  return streams;
}
