import { Router, type Request, type Response } from 'express';
import { registerCustomer, updateCustomer } from '../../../commands/customers';
import type { CustomerChanges, CustomerDetails } from '../../../domain/customer';
import { NotFoundError } from '../../../domain/shared/errors';
import type { CustomerDoc } from '../../../projections/customers/projector';
import { getCustomer, listCustomers } from '../../../projections/customers/queries';
import { authenticate } from '../../http/authenticate';
import { metaFor, requireAuth } from '../../http/context';
import { idempotent } from '../../http/idempotency';
import { declareRoutes, route } from '../../http/route';
import { pagination as paginationSchema } from '../../openapi/components';
import { array, object, ref } from '../../openapi/schema';
import { settle, type ApiDeps } from '../../deps';
import { ok, okWithTexts, pageOf, pagination } from '../envelope';
import { PresentedTexts } from '../../http/json-text';
import { tmsErrorHandler } from '../errors';
import { permit } from '../permissions';
import { ifMatch, setEtag } from '../../http/conditional';
import { TAGS, tms, uuidParams } from '../openapi';
import { asDuplicateEmail } from '../users/http';
import { checkCreatedRange, createCustomerBody, listCustomersQuery, updateCustomerBody } from './input';
import { assertMayViewCustomer, CUSTOMER_PERMISSIONS as P } from './permissions';
import { CUSTOMER_SCHEMAS, presentCustomer } from './presenter';
import { customerStream } from '../../../domain/customer';

type UpdateBody = ReturnType<typeof updateCustomerBody.parse>;
type AddressParts = NonNullable<UpdateBody['address_parts']>;

/** Document 000's field names → the canonical customer fields (only those present). */
function changesFrom(body: UpdateBody): CustomerChanges {
  const c: CustomerChanges = {};
  if (body.full_name !== undefined) c.fullName = body.full_name;
  if (body.phone !== undefined) c.phone = body.phone;
  if (body.email !== undefined) c.email = body.email;
  if (body.nik !== undefined) c.nationalId = body.nik;
  if (body.coordinates !== undefined) c.coordinates = body.coordinates;
  if (body.service_area !== undefined) c.serviceArea = body.service_area;
  if (body.service_package !== undefined) c.servicePackage = body.service_package;
  if (body.brand !== undefined) c.brand = body.brand;
  if (body.installation_date !== undefined) c.installationDate = body.installation_date;
  if (body.customer_type !== undefined) c.customerType = body.customer_type;
  const parts: Partial<AddressParts> = body.address_parts ?? {};
  const address: Partial<CustomerDetails['address']> = {};
  if (body.address !== undefined) address.line = body.address;
  if (parts.line2 !== undefined) address.line2 = parts.line2;
  if (parts.block !== undefined) address.block = parts.block;
  if (parts.unit !== undefined) address.unit = parts.unit;
  if (parts.city !== undefined) address.city = parts.city;
  if (parts.province !== undefined) address.province = parts.province;
  if (parts.postal_code !== undefined) address.postalCode = parts.postal_code;
  if (parts.country !== undefined) address.country = parts.country;
  if (Object.keys(address).length > 0) c.address = address;
  return c;
}

const base = { ...tms, tag: TAGS.customers };
const customerParams = uuidParams('customer');
const customerAnswer = object({ customer: ref('TmsCustomer') });

/**
 * Document 000, customer management: GET/POST /api/customers, GET/PUT /api/customers/:id.
 * (GET /api/customers/:id/tickets belongs to the tickets area: it is not defined here, so it
 * falls through to the router that defines it.)
 */
export function customersRouter(deps: ApiDeps): Router {
  const customerTexts = new PresentedTexts(presentCustomer);
  const router = Router();
  router.use(authenticate(deps, 'staff'));

  const load = async (customerId: string): Promise<CustomerDoc> => {
    const doc = await getCustomer(deps.readStore, customerId);
    if (!doc) throw new NotFoundError('Customer', customerId);
    return doc;
  };
  const answer = async (req: Request, res: Response, customerId: string, position: number | null, status = 200) => {
    await settle(deps, req, position);
    const doc = await load(customerId);
    setEtag(res, doc.revision, customerStream(doc._id));
    ok(res, { customer: presentCustomer(doc) }, status);
  };

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/',
        query: listCustomersQuery,
        before: [permit(P, 'list')],
        keep: deps.keptAnswers,
        doc: {
          ...base,
          operationId: 'customerList',
          summary: 'List customers',
          description: 'Newest first.',
          queryDescriptions: {
            search: 'Words of the name, phone, email or NIK.',
            service_area: 'Case-insensitive.',
            created_from: 'A date (YYYY-MM-DD, the whole UTC day) or an ISO-8601 date-time; inclusive.',
            created_to: 'A date (YYYY-MM-DD, the whole UTC day) or an ISO-8601 date-time; inclusive; not before created_from.',
          },
          success: [{ status: 200, description: 'A page of customers.', schema: object({ customers: array(ref('TmsCustomer')), pagination: paginationSchema }) }],
          statuses: [403],
          roles: P.list,
        },
        handle: async (_req, res, { query: q }) => {
          checkCreatedRange(q);
          const page = pageOf(q);
          const { items, total } = await listCustomers(deps.readStore, {
            search: q.search || undefined,
            serviceArea: q.service_area || undefined,
            createdFrom: q.created_from,
            createdTo: q.created_to,
            skip: page.skip,
            limit: page.limit,
          });
          okWithTexts(res, { customers: customerTexts.page(items), pagination: pagination(page, total) });
        },
      }),
      route({
        method: 'post',
        path: '/',
        body: createCustomerBody,
        bodyLimit: '64kb',
        before: [permit(P, 'create')],
        after: [idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger })],
        doc: {
          ...base,
          operationId: 'customerCreate',
          summary: 'Register a customer (and their login account)',
          description: 'The email is unique across all users (409 DUPLICATE_ENTRY).',
          idempotencyKey: true,
          success: [{ status: 201, description: 'Registered.', schema: customerAnswer, headers: ['ETag', 'Location'] }],
          statuses: [403, 409],
          roles: P.create,
        },
        handle: async (req, res, { body }) => {
          const parts: Partial<AddressParts> = body.address_parts ?? {};
          const details: CustomerDetails = {
            fullName: body.full_name,
            phone: body.phone,
            email: body.email,
            nationalId: body.nik ?? null,
            address: {
              line: body.address,
              line2: parts.line2 ?? null,
              block: parts.block ?? null,
              unit: parts.unit ?? null,
              city: parts.city ?? null,
              province: parts.province ?? null,
              postalCode: parts.postal_code ?? null,
              country: parts.country ?? null,
            },
            coordinates: body.coordinates,
            serviceArea: body.service_area,
            servicePackage: body.service_package ?? null,
            brand: body.brand ?? null,
            installationDate: body.installation_date ?? null,
            customerType: body.customer_type ?? null,
          };
          const { customerId, result } = await asDuplicateEmail(
            registerCustomer(deps.commands, { details, status: 'active', createLogin: true }, metaFor(req)),
          );
          res.setHeader('Location', `/api/customers/${customerId}`);
          await answer(req, res, customerId, result.position, 201);
        },
      }),
      route({
        method: 'get',
        path: '/:id',
        params: customerParams,
        entity: 'Customer',
        doc: {
          ...base,
          operationId: 'customerGet',
          summary: 'A customer',
          success: [{ status: 200, description: 'The customer.', schema: customerAnswer, headers: ['ETag'] }],
          statuses: [403, 404],
          roles: P.view,
          rolesNote: 'a customer: their own record',
        },
        handle: async (req, res, { params: { id } }) => {
          assertMayViewCustomer(requireAuth(req), id);
          const doc = await load(id);
          setEtag(res, doc.revision, customerStream(doc._id));
          ok(res, { customer: presentCustomer(doc) });
        },
      }),
      route({
        method: 'put',
        path: '/:id',
        params: customerParams,
        entity: 'Customer',
        body: updateCustomerBody,
        bodyLimit: '64kb',
        before: [permit(P, 'update')],
        doc: {
          ...base,
          operationId: 'customerUpdate',
          summary: 'Update a customer (partial)',
          description: 'Null or "" clears an optional field; required fields may not be cleared.',
          ifMatch: true,
          success: [{ status: 200, description: 'The customer after the change.', schema: customerAnswer, headers: ['ETag'] }],
          statuses: [403, 404, 409],
          roles: P.update,
        },
        handle: async (req, res, { params: { id }, body }) => {
          const result = await asDuplicateEmail(updateCustomer(deps.commands, id, changesFrom(body), metaFor(req), { ifMatch: ifMatch(req) }));
          await answer(req, res, id, result.position);
        },
      }),
    ],
    {
      tags: [{ name: TAGS.customers, description: 'Document 000, customer management (docs/api/000-users-customers.md).' }],
      schemas: CUSTOMER_SCHEMAS,
    },
  );

  router.use(tmsErrorHandler(deps.logger));
  return router;
}
