import express, { Router, type Request, type Response } from 'express';
import { registerCustomer, updateCustomer } from '../../../commands/customers';
import type { CustomerChanges, CustomerDetails } from '../../../domain/customer';
import { NotFoundError } from '../../../domain/shared/errors';
import type { CustomerDoc } from '../../../projections/customers/projector';
import { getCustomer, listCustomers } from '../../../projections/customers/queries';
import { authenticate } from '../../http/authenticate';
import { metaFor, requireAuth } from '../../http/context';
import { idempotent } from '../../http/idempotency';
import { validate } from '../../http/validation';
import { settle, type ApiDeps } from '../../deps';
import { ok, pageOf, pagination } from '../envelope';
import { tmsErrorHandler } from '../errors';
import { permit } from '../permissions';
import { ifMatch, setEtag, uuidParam } from '../../http/conditional';
import { asDuplicateEmail } from '../users/http';
import { checkCreatedRange, createCustomerBody, listCustomersQuery, updateCustomerBody } from './input';
import { assertMayViewCustomer, CUSTOMER_PERMISSIONS } from './permissions';
import { presentCustomer } from './presenter';
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

/**
 * Document 000, customer management: GET/POST /api/customers, GET/PUT /api/customers/:id.
 * (GET /api/customers/:id/tickets belongs to the tickets area: it is not defined here, so it
 * falls through to the router that defines it.)
 */
export function customersRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(authenticate(deps, 'staff'));
  router.use(express.json({ limit: '64kb' }));

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

  router.get('/', permit(CUSTOMER_PERMISSIONS, 'list'), async (req, res) => {
    const q = validate(listCustomersQuery, req.query);
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
    ok(res, { customers: items.map(presentCustomer), pagination: pagination(page, total) });
  });

  router.post(
    '/',
    permit(CUSTOMER_PERMISSIONS, 'create'),
    idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger }),
    async (req, res) => {
      const body = validate(createCustomerBody, req.body ?? {});
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
  );

  router.get('/:id', async (req, res) => {
    const customerId = uuidParam(req, 'Customer');
    assertMayViewCustomer(requireAuth(req), customerId);
    const doc = await load(customerId);
    setEtag(res, doc.revision, customerStream(doc._id));
    ok(res, { customer: presentCustomer(doc) });
  });

  router.put('/:id', permit(CUSTOMER_PERMISSIONS, 'update'), async (req, res) => {
    const customerId = uuidParam(req, 'Customer');
    const body = validate(updateCustomerBody, req.body ?? {});
    const result = await asDuplicateEmail(
      updateCustomer(deps.commands, customerId, changesFrom(body), metaFor(req), { ifMatch: ifMatch(req) }),
    );
    await answer(req, res, customerId, result.position);
  });

  router.use(tmsErrorHandler(deps.logger));
  return router;
}
