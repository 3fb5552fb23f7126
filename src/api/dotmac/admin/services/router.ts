import type { Router } from 'express';
import { brandFor } from '../../../../commands/billing/dotmac-invoices';
import { createServicePlan } from '../../../../commands/billing/service-plans';
import { activateSubscription, createSubscription, suspendSubscription, terminateSubscription } from '../../../../commands/billing/subscriptions';
import { businessDate } from '../../../../commands/billing/dates';
import { SERVICE_TYPES } from '../../../../domain/service-plan';
import { DuplicateError, NotFoundError, ValidationError } from '../../../../domain/shared/errors';
import { getPlan, getPlans } from '../../../../projections/billing-catalog/queries';
import type { PlanDoc } from '../../../../projections/billing-catalog/projector';
import type { LanggananDoc } from '../../../../projections/billing-customers/projector';
import { getLangganan } from '../../../../projections/billing-customers/queries';
import { getDotmacCustomer } from '../../../../projections/dotmac-customers/queries';
import { listCatalog, listInstances } from '../../../../projections/dotmac-services/queries';
import { settle, type ApiDeps } from '../../../deps';
import { metaFor } from '../../../http/context';
import { declareRoutes, route } from '../../../http/route';
import { array, boolean, dateTime, integer, nullable, object, oneOfValues, record, ref, string, uuid } from '../../../openapi/schema';
import { ok, okWithTexts, paginationOf } from '../../envelope';
import { toMinor } from '../../money';
import { ALWAYS, DOTMAC_COMPONENTS, dotmacDoc, dotmacSuccess, money } from '../../openapi';
import { permit } from '../permissions';
import { ADMIN_TAGS, adminRouter, closeAdminRouter, rolesDoc } from '../shared';
import { catalogBody, catalogQuery, INSTANCE_STATUSES, instanceParams, instancesQuery, provisionBody, statusBody } from './input';
import { presentCatalogEntry, presentInstance } from './presenter';
import { PresentedTexts } from '../../../http/json-text';

const components = {
  ...DOTMAC_COMPONENTS,
  tags: [
    { name: ADMIN_TAGS.catalog, description: 'Document 004 "Service Catalog Management": the same packages as document 002 (`paket_layanan`), with 004\'s catalog fields.' },
    {
      name: ADMIN_TAGS.instances,
      description:
        'Document 004 "Service Instances Management": the same subscriptions as document 002 (`langganan`). A customer has one current service instance. Activating or reactivating is announced as `service.activated`, suspending as `service.suspended` (webhooks); the RouterOS sync follows every change.',
    },
  ],
  schemas: {
    ...DOTMAC_COMPONENTS.schemas,
    DotmacCatalogEntry: object({
      id: string(),
      name: string(),
      service_type: oneOfValues(SERVICE_TYPES),
      description: nullable(string()),
      monthly_price: money(),
      setup_fee: money(),
      currency: string(),
      features: object({ download_speed: integer('Mbps.'), upload_speed: nullable(integer('Mbps.')), data_limit: nullable({ type: 'number', description: 'GB a month; null: unlimited.' }), static_ip: boolean() }),
      availability: object({ residential: boolean(), business: boolean(), enterprise: boolean() }),
      brand_id: string(),
    }),
    DotmacServiceInstance: object({
      id: string(),
      customer_id: uuid(),
      service_id: string('The catalog entry.'),
      plan_name: nullable(string()),
      service_type: oneOfValues(SERVICE_TYPES),
      status: oneOfValues(INSTANCE_STATUSES),
      monthly_price: nullable(money()),
      installation_date: nullable(dateTime()),
      next_billing_date: dateTime(),
      configuration: record({ type: ['string', 'number', 'boolean', 'null'] }),
      notes: nullable(string()),
      status_reason: nullable(string()),
      status_effective_date: nullable(dateTime()),
      created_at: dateTime(),
    }),
  },
};

/** Document 004 "Services Module APIs", mounted at /api/v1/services (the usage ingestion at /usage is the portal half's, mounted before). */
export function servicesRouter(deps: ApiDeps): Router {
  const catalogTexts = new PresentedTexts(presentCatalogEntry);
  const instanceTexts = new PresentedTexts(
    (i: LanggananDoc, plans: ReadonlyMap<number, PlanDoc>) => presentInstance(i, plans.get(i.paket_layanan_id) ?? null),
    (i, plans) => [plans.get(i.paket_layanan_id)],
  );
  const router = adminRouter(deps);
  const billing = () => deps.commands.billing;

  const instanceOf = async (id: number) => {
    const doc = await getLangganan(deps.readStore, id);
    if (!doc) throw new NotFoundError('Service instance', String(id));
    return presentInstance(doc, await getPlan(deps.readStore, doc.paket_layanan_id));
  };

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/catalog',
        query: catalogQuery,
        before: [permit('catalog.list')],
        keep: deps.keptAnswers,
        doc: {
          ...dotmacDoc,
          tag: ADMIN_TAGS.catalog,
          ...rolesDoc('catalog.list'),
          operationId: 'dotmacCatalogList',
          summary: 'Get the service catalog',
          description: 'Newest first; `service_type` filters (packages made through document 002 are internet services).',
          success: [dotmacSuccess(200, 'The catalog.', object({ services: array(ref('DotmacCatalogEntry')) }), { paginated: true })],
          statuses: [403, 422, ...ALWAYS],
        },
        handle: async (req, res, { query }) => {
          const { items, total } = await listCatalog(deps.readStore, { serviceType: query.service_type, skip: query.offset, limit: query.limit });
          okWithTexts(deps, req, res, { services: catalogTexts.page(items) }, { pagination: paginationOf(query, total) });
        },
      }),
      route({
        method: 'post',
        path: '/catalog',
        body: catalogBody,
        bodyLimit: '32kb',
        before: [permit('catalog.create')],
        doc: {
          ...dotmacDoc,
          tag: ADMIN_TAGS.catalog,
          ...rolesDoc('catalog.create'),
          operationId: 'dotmacCatalogCreate',
          summary: 'Add a service to the catalog',
          description: "A package of `brand_id` (document 002's brands; default BILLING_DEFAULT_BRAND): prices in the billing currency's major unit, speeds in Mbps, the data limit in GB (null: unlimited).",
          success: [dotmacSuccess(201, 'Added.', object({ service: ref('DotmacCatalogEntry') }))],
          statuses: [403, 404, 422, ...ALWAYS],
        },
        handle: async (req, res, { body }) => {
          const cur = billing().currency;
          const price = toMinor(body.monthly_price, cur);
          const setupFee = toMinor(body.setup_fee, cur);
          const errors: Record<string, string[]> = {};
          if (price === null) errors.monthly_price = [`The monthly price has more decimals than ${cur} has.`];
          if (setupFee === null) errors.setup_fee = [`The setup fee has more decimals than ${cur} has.`];
          if (Object.keys(errors).length) throw new ValidationError(errors);
          const meta = metaFor(req);
          const brandId = await brandFor(deps.commands, body.brand_id ?? null, meta);
          const created = await createServicePlan(
            deps.commands,
            {
              brandId,
              name: body.name,
              speedMbps: body.features.download_speed,
              price: price!,
              pppoeProfile: body.pppoe_profile ?? null,
              serviceType: body.service_type,
              description: body.description ?? null,
              setupFee: setupFee!,
              uploadMbps: body.features.upload_speed ?? null,
              dataLimitGb: body.features.data_limit ?? null,
              staticIp: body.features.static_ip,
              availability: body.availability,
            },
            meta,
          );
          await settle(deps, req, created.result.position);
          const plan = await getPlan(deps.readStore, created.planId);
          if (!plan) throw new NotFoundError('Service', String(created.planId));
          ok(deps, req, res, { service: presentCatalogEntry(plan) }, { status: 201, message: 'Service added to the catalog' });
        },
      }),
      route({
        method: 'get',
        path: '/instances',
        query: instancesQuery,
        before: [permit('instances.list')],
        keep: deps.keptAnswers,
        doc: {
          ...dotmacDoc,
          tag: ADMIN_TAGS.instances,
          ...rolesDoc('instances.list'),
          operationId: 'dotmacInstanceList',
          summary: 'List service instances',
          description: 'Newest first. `status` (active, suspended, pending, terminated; leave it out for every status), `customer_id`, `service_id` (the catalog entry), `limit`, `offset`.',
          success: [dotmacSuccess(200, 'A page of service instances.', object({ instances: array(ref('DotmacServiceInstance')) }), { paginated: true })],
          statuses: [403, 422, ...ALWAYS],
        },
        handle: async (req, res, { query }) => {
          const { items, total } = await listInstances(deps.readStore, { customerId: query.customer_id, status: query.status, planId: query.service_id, skip: query.offset, limit: query.limit });
          const plans = new Map((await getPlans(deps.readStore, [...new Set(items.map((i) => i.paket_layanan_id))])).map((p) => [p.id, p]));
          okWithTexts(deps, req, res, { instances: instanceTexts.page(items, plans) }, { pagination: paginationOf(query, total) });
        },
      }),
      route({
        method: 'post',
        path: '/instances',
        body: provisionBody,
        bodyLimit: '32kb',
        before: [permit('instances.provision')],
        doc: {
          ...dotmacDoc,
          tag: ADMIN_TAGS.instances,
          ...rolesDoc('instances.provision'),
          operationId: 'dotmacInstanceProvision',
          summary: 'Provision a new service for a customer',
          description:
            'Subscribes the customer to the catalog entry `service_id`. Installed today or earlier: active at once (`service.activated`); installed later: pending until activated (PUT …/status). The first bill is due a month after the installation date. A customer with a current service instance already is 409 DUPLICATE_RESOURCE (one current instance per customer, as in document 002).',
          success: [dotmacSuccess(201, 'Provisioned.', object({ instance: ref('DotmacServiceInstance') }))],
          statuses: [403, 409, 422, ...ALWAYS],
        },
        handle: async (req, res, { body }) => {
          const [customer, plan] = await Promise.all([getDotmacCustomer(deps.readStore, body.customer_id), getPlan(deps.readStore, body.service_id)]);
          const errors: Record<string, string[]> = {};
          if (!customer) errors.customer_id = ['The customer does not exist.'];
          if (!plan) errors.service_id = ['The service is not in the catalog.'];
          else if (customer && plan.availability && !plan.availability[customer.customer_type as 'residential']) errors.service_id = [`The service is not available to ${customer.customer_type} customers.`];
          if (Object.keys(errors).length) throw new ValidationError(errors);
          const today = businessDate(deps.commands.clock.now(), billing().timeZone);
          try {
            const created = await createSubscription(
              deps.commands,
              {
                customerId: body.customer_id,
                terms: { planId: body.service_id, dueDate: addMonth(body.installation_date), paymentMethod: body.payment_method },
                provisioning: { pending: body.installation_date > today, installationDate: body.installation_date, configuration: body.configuration, notes: body.notes ?? null },
              },
              metaFor(req),
            );
            await settle(deps, req, created.result.position);
            ok(deps, req, res, { instance: await instanceOf(created.subscriptionId) }, { status: 201, message: 'Service provisioned' });
          } catch (err) {
            if (err instanceof DuplicateError) throw new DuplicateError('customer_id', body.customer_id);
            throw err;
          }
        },
      }),
      route({
        method: 'put',
        path: '/instances/:instance_id/status',
        params: instanceParams,
        body: statusBody,
        bodyLimit: '16kb',
        before: [permit('instances.status')],
        doc: {
          ...dotmacDoc,
          tag: ADMIN_TAGS.instances,
          ...rolesDoc('instances.status'),
          operationId: 'dotmacInstanceStatus',
          summary: 'Update service status (activate, suspend, terminate)',
          description:
            '`status`: active (activates a pending instance or reactivates a suspended one: `service.activated`), suspended (`service.suspended`), terminated (final; the customer may then get another instance). `reason` and `notes` are recorded with the change; `effective_date` (default now) may not be in the future. A change the status does not allow (suspending a pending or terminated instance, activating a terminated one) is 409 INVALID_STATE_TRANSITION; asking for the status it has changes nothing.',
          success: [dotmacSuccess(200, 'The instance after the change.', object({ instance: ref('DotmacServiceInstance') }))],
          statuses: [403, 404, 409, 422, ...ALWAYS],
        },
        handle: async (req, res, { params, body }) => {
          await instanceOf(params.instance_id);
          const details = { note: body.reason, notes: body.notes ?? null, ...(body.effective_date ? { effectiveDate: new Date(body.effective_date).toISOString() } : {}) };
          const meta = metaFor(req);
          const result =
            body.status === 'active'
              ? await activateSubscription(deps.commands, params.instance_id, details, meta)
              : body.status === 'suspended'
                ? await suspendSubscription(deps.commands, params.instance_id, { reason: 'manual', invoiceId: null, details }, meta)
                : await terminateSubscription(deps.commands, params.instance_id, body.reason, meta, details);
          await settle(deps, req, result.position);
          ok(deps, req, res, { instance: await instanceOf(params.instance_id) }, { message: `Service ${body.status}` });
        },
      }),
    ],
    components,
  );
  return closeAdminRouter(router, deps);
}

/** The same day a month later (clamped to the month's end): the first due date. */
function addMonth(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(d, last))).toISOString().slice(0, 10);
}
