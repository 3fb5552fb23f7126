import type { Router } from 'express';
import { createWebhook, deleteWebhook, requestRedelivery, updateWebhook } from '../../../../commands/webhooks';
import { NotFoundError } from '../../../../domain/shared/errors';
import { WEBHOOK_EVENTS, webhookStream } from '../../../../domain/webhook';
import { webhookDeliveryStream } from '../../../../domain/webhook-delivery';
import { getDelivery, getWebhook, listDeliveries, listWebhooks } from '../../../../projections/webhooks/queries';
import { settle, type ApiDeps } from '../../../deps';
import { setEventStream } from '../../../http/conditional';
import { metaFor } from '../../../http/context';
import { declareRoutes, route } from '../../../http/route';
import { array, boolean, constant, dateTime, integer, nullable, object, oneOfValues, ref, string, uuid } from '../../../openapi/schema';
import { ok, okWithTexts, paginationOf } from '../../envelope';
import { ALWAYS, DOTMAC_COMPONENTS, dotmacDoc, dotmacSuccess } from '../../openapi';
import { permit } from '../permissions';
import { ADMIN_TAGS, adminRouter, closeAdminRouter, rolesDoc } from '../shared';
import { createBody, deliveriesQuery, deliveryParams, listQuery, updateBody, webhookParams } from './input';
import { presentDelivery, presentDeliveryDetail, presentWebhook } from './presenter';
import { PresentedTexts } from '../../../http/json-text';

const base = { ...dotmacDoc, tag: ADMIN_TAGS.webhooks, ...rolesDoc('webhooks.manage') };

/** A delivery as the list shows it; its detail adds the payload and the attempt log. */
const DELIVERY_FIELDS = {
  id: uuid('The message id: the `webhook-id` header of every attempt.'),
  webhook_id: uuid(),
  event: oneOfValues(WEBHOOK_EVENTS),
  status: oneOfValues(['pending', 'delivered', 'failed']),
  attempts: integer(),
  next_attempt_at: nullable(dateTime()),
  last_status_code: nullable(integer()),
  last_error: nullable(string()),
  delivered_at: nullable(dateTime()),
  created_at: dateTime(),
  updated_at: dateTime(),
};

const components = {
  ...DOTMAC_COMPONENTS,
  tags: [
    {
      name: ADMIN_TAGS.webhooks,
      description:
        'Document 004 webhooks (docs/api/004-webhooks.md): subscriptions to the event catalogue, signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`), delivered from the event log with retries (exponential back-off with jitter, Retry-After honoured, no redirects followed), a delivery log per webhook and a redeliver action. A URL resolving to a loopback, link-local or private address is 422 unless its host is in WEBHOOK_ALLOWED_HOSTS.',
    },
  ],
  schemas: {
    ...DOTMAC_COMPONENTS.schemas,
    DotmacWebhook: object({
      id: uuid(),
      url: string(),
      events: array(oneOfValues(WEBHOOK_EVENTS)),
      active: boolean(),
      description: nullable(string()),
      secret_set: constant(true),
      disabled_reason: nullable(oneOfValues(['consecutive_failures', 'gone'], 'Why the delivery machinery switched it off (a run of failed attempts, or 410 Gone).')),
      disabled_at: nullable(dateTime()),
      consecutive_failures: integer('Failed attempts since the last delivered one.'),
      last_attempt_at: nullable(dateTime()),
      last_success_at: nullable(dateTime()),
      last_failure_at: nullable(dateTime()),
      created_at: dateTime(),
      updated_at: dateTime(),
    }),
    DotmacWebhookDelivery: object(DELIVERY_FIELDS),
  },
};

const deliveryDetail = object({
  ...DELIVERY_FIELDS,
  payload: object({ event: oneOfValues(WEBHOOK_EVENTS), timestamp: dateTime(), tenant_id: string(), data: { type: 'object' }, webhook_id: uuid() }, { description: 'The body sent, byte for byte the same on every attempt.' }),
  attempt_log: array(
    object({
      attempt: integer(),
      outcome: oneOfValues(['delivered', 'retrying', 'failed']),
      status_code: nullable(integer()),
      error: nullable(string()),
      duration_ms: integer(),
      attempted_at: dateTime(),
      next_attempt_at: nullable(dateTime()),
    }),
  ),
});

/** Document 004 `POST /api/v1/webhooks` and what users expect beside it, mounted at /api/v1/webhooks. */
export function webhooksRouter(deps: ApiDeps): Router {
  const webhookTexts = new PresentedTexts(presentWebhook);
  const deliveryTexts = new PresentedTexts(presentDelivery);
  const router = adminRouter(deps);
  const can = permit('webhooks.manage');

  const found = async (id: string) => {
    const doc = await getWebhook(deps.readStore, id);
    if (!doc) throw new NotFoundError('Webhook', id);
    return doc;
  };

  declareRoutes(
    router,
    [
      route({
        method: 'post',
        path: '/',
        body: createBody,
        bodyLimit: '16kb',
        before: [can],
        doc: {
          ...base,
          operationId: 'dotmacWebhookCreate',
          summary: 'Create a webhook endpoint',
          description:
            'Subscribes `url` to `events` of the catalogue (customer.created, customer.updated, service.activated, service.suspended, invoice.created, invoice.paid, ticket.created, ticket.resolved, payment.failed). Events that happen from now on are delivered. The secret is answered once, here (generated when left out); it is stored sealed and never shown again.',
          success: [dotmacSuccess(201, 'Created.', object({ webhook: ref('DotmacWebhook'), secret: string('The signing secret: shown only in this answer.') }))],
          statuses: [403, 422, ...ALWAYS],
        },
        handle: async (req, res, { body }) => {
          const created = await createWebhook(
            deps.commands,
            { url: body.url, events: body.events, secret: body.secret ?? null, active: body.active, description: body.description ?? null },
            metaFor(req),
          );
          await settle(deps, req, created.result.position);
          ok(deps, req, res, { webhook: presentWebhook(await found(created.webhookId)), secret: created.secret }, { status: 201, message: 'Webhook created successfully' });
        },
      }),
      route({
        method: 'get',
        path: '/',
        query: listQuery,
        before: [can],
        keep: deps.keptAnswers,
        doc: {
          ...base,
          operationId: 'dotmacWebhookList',
          summary: 'The webhook endpoints',
          description: 'Newest first; `active` filters.',
          success: [dotmacSuccess(200, 'A page of webhooks.', object({ webhooks: array(ref('DotmacWebhook')) }), { paginated: true })],
          statuses: [403, 422, ...ALWAYS],
        },
        handle: async (req, res, { query }) => {
          const { items, total } = await listWebhooks(deps.readStore, { active: query.active, skip: query.offset, limit: query.limit });
          okWithTexts(deps, req, res, { webhooks: webhookTexts.page(items) }, { pagination: paginationOf(query, total) });
        },
      }),
      route({
        method: 'get',
        path: '/:webhook_id',
        params: webhookParams,
        before: [can],
        doc: {
          ...base,
          operationId: 'dotmacWebhookGet',
          summary: 'One webhook endpoint',
          success: [dotmacSuccess(200, 'The webhook.', object({ webhook: ref('DotmacWebhook') }), { headers: ['X-Event-Stream'] })],
          statuses: [403, 404, ...ALWAYS],
        },
        handle: async (req, res, { params }) => {
          const doc = await found(params.webhook_id);
          // The stream only: the failure counters shown change with delivery attempts, which are other streams.
          setEventStream(res, webhookStream(doc._id));
          ok(deps, req, res, { webhook: presentWebhook(doc) });
        },
      }),
      route({
        method: 'put',
        path: '/:webhook_id',
        params: webhookParams,
        body: updateBody,
        bodyLimit: '16kb',
        before: [can],
        doc: {
          ...base,
          operationId: 'dotmacWebhookUpdate',
          summary: 'Change a webhook endpoint',
          description:
            'Only the fields given change: `url` (checked like a new one), `events`, `secret` (a new signing secret), `active` (switching a disabled endpoint on again resets its failure count; messages held while it was off are sent), `description`.',
          success: [dotmacSuccess(200, 'The webhook after the change.', object({ webhook: ref('DotmacWebhook') }))],
          statuses: [403, 404, 422, ...ALWAYS],
        },
        handle: async (req, res, { params, body }) => {
          await found(params.webhook_id);
          const result = await updateWebhook(deps.commands, params.webhook_id, body, metaFor(req));
          await settle(deps, req, result.position);
          ok(deps, req, res, { webhook: presentWebhook(await found(params.webhook_id)) }, { message: 'Webhook updated successfully' });
        },
      }),
      route({
        method: 'delete',
        path: '/:webhook_id',
        params: webhookParams,
        before: [can],
        doc: {
          ...base,
          operationId: 'dotmacWebhookDelete',
          summary: 'Delete a webhook endpoint',
          description: 'Nothing more is sent to it, messages still waiting included; its delivery log goes with it.',
          success: [dotmacSuccess(200, 'Deleted.', object({ id: uuid(), deleted: constant(true) }))],
          statuses: [403, 404, ...ALWAYS],
        },
        handle: async (req, res, { params }) => {
          await found(params.webhook_id);
          const result = await deleteWebhook(deps.commands, params.webhook_id, metaFor(req));
          await settle(deps, req, result.position);
          ok(deps, req, res, { id: params.webhook_id, deleted: true }, { message: 'Webhook deleted successfully' });
        },
      }),
      route({
        method: 'get',
        path: '/:webhook_id/deliveries',
        params: webhookParams,
        query: deliveriesQuery,
        before: [can],
        keep: deps.keptAnswers,
        doc: {
          ...base,
          operationId: 'dotmacWebhookDeliveries',
          summary: "A webhook's delivery log",
          description: 'Every message for the endpoint, newest event first, with its status and last attempt; `status` and `event` filter.',
          success: [dotmacSuccess(200, 'A page of deliveries.', object({ deliveries: array(ref('DotmacWebhookDelivery')) }), { paginated: true })],
          statuses: [403, 404, 422, ...ALWAYS],
        },
        handle: async (req, res, { params, query }) => {
          await found(params.webhook_id);
          const { items, total } = await listDeliveries(deps.readStore, { webhookId: params.webhook_id, status: query.status, event: query.event, skip: query.offset, limit: query.limit });
          okWithTexts(deps, req, res, { deliveries: deliveryTexts.page(items) }, { pagination: paginationOf(query, total) });
        },
      }),
      route({
        method: 'get',
        path: '/:webhook_id/deliveries/:delivery_id',
        params: deliveryParams,
        before: [can],
        doc: {
          ...base,
          operationId: 'dotmacWebhookDeliveryGet',
          summary: 'One delivery with its body and every attempt',
          description: 'X-Event-Stream names the delivery’s own stream (`webhook_delivery-<id>`: its scheduling and every attempt), not the webhook’s.',
          success: [dotmacSuccess(200, 'The delivery.', object({ delivery: deliveryDetail }), { headers: ['X-Event-Stream'] })],
          statuses: [403, 404, ...ALWAYS],
        },
        handle: async (req, res, { params }) => {
          const doc = await getDelivery(deps.readStore, params.delivery_id);
          if (!doc || doc.webhook_id !== params.webhook_id) throw new NotFoundError('Delivery', params.delivery_id);
          setEventStream(res, webhookDeliveryStream(doc._id));
          ok(deps, req, res, { delivery: presentDeliveryDetail(doc) });
        },
      }),
      route({
        method: 'post',
        path: '/:webhook_id/deliveries/:delivery_id/redeliver',
        params: deliveryParams,
        before: [can],
        doc: {
          ...base,
          operationId: 'dotmacWebhookRedeliver',
          summary: 'Send a message again',
          description:
            'The message (same body, same `webhook-id`, so a receiver that already has it recognises it) gets a new round of attempts, in its turn: messages to one endpoint go in the order of their events. Sent within WEBHOOK_POLL_MS while the endpoint is active.',
          success: [dotmacSuccess(200, 'Scheduled again.', object({ delivery: ref('DotmacWebhookDelivery') }))],
          statuses: [403, 404, ...ALWAYS],
        },
        handle: async (req, res, { params }) => {
          const doc = await getDelivery(deps.readStore, params.delivery_id);
          if (!doc || doc.webhook_id !== params.webhook_id) throw new NotFoundError('Delivery', params.delivery_id);
          const result = await requestRedelivery(deps.commands, params.webhook_id, params.delivery_id, metaFor(req));
          await settle(deps, req, result.position);
          const after = await getDelivery(deps.readStore, params.delivery_id);
          ok(deps, req, res, { delivery: presentDelivery(after ?? doc) }, { message: 'Delivery scheduled again' });
        },
      }),
    ],
    components,
  );
  return closeAdminRouter(router, deps);
}
