import type { Router } from 'express';
import { registerCustomer } from '../../../../commands/customers';
import { registerStaffUser } from '../../../../commands/dotmac-users';
import { createPortalAccount } from '../../../../commands/portal-accounts';
import { CUSTOMER_TYPES } from '../../../../domain/customer';
import { ForbiddenError, NotFoundError } from '../../../../domain/shared/errors';
import { ACCOUNT_STATUSES } from '../../../../projections/dotmac-customers/projector';
import { getDotmacCustomer, listDotmacCustomers } from '../../../../projections/dotmac-customers/queries';
import { findUserById, listUsers } from '../../../../projections/users/queries';
import { settle, type ApiDeps } from '../../../deps';
import { metaFor, requireAuth } from '../../../http/context';
import { declareRoutes, route } from '../../../http/route';
import { array, boolean, constant, dateTime, integer, nullable, object, oneOfValues, ref, string, uuid } from '../../../openapi/schema';
import { ok, okWithTexts, paginationOf } from '../../envelope';
import { ALWAYS, DOTMAC_COMPONENTS, dotmacDoc, dotmacSuccess } from '../../openapi';
import { DOTMAC_ROLES, permit, roleOf, singleRole } from '../permissions';
import { ADMIN_TAGS, adminRouter, closeAdminRouter, latest, rolesDoc } from '../shared';
import { createCustomerBody, customersQuery } from './customers-input';
import { presentCustomer } from './customers-presenter';
import { PresentedTexts } from '../../../http/json-text';
import { createUserBody, usersQuery } from './users-input';
import { presentUser } from './users-presenter';

const components = {
  ...DOTMAC_COMPONENTS,
  tags: [
    {
      name: ADMIN_TAGS.users,
      description:
        'Document 004 "Users Management": the same users as every document (docs/api/004-admin.md). 004 role names map onto the product\'s roles: super_admin, tenant_admin (manager), supervisor, support (customer_service), technician, auditor; a user has one.',
    },
    {
      name: ADMIN_TAGS.customers,
      description:
        'Document 004 "Customers Management": the same customers as documents 000 and 002, numbered CUST-… from one sequence; optionally with a portal account (Portal ID, temporary password, pending activation until the first password change).',
    },
  ],
  schemas: {
    ...DOTMAC_COMPONENTS.schemas,
    DotmacUser: object({
      id: uuid(),
      username: string('Unique among users; users created elsewhere have their email.'),
      email: string(),
      first_name: string(),
      last_name: string(),
      roles: array(oneOfValues(DOTMAC_ROLES)),
      is_active: boolean(),
      phone: nullable(string()),
      timezone: nullable(string()),
      last_login: nullable(dateTime()),
      created_at: dateTime(),
    }),
    DotmacCustomer: object({
      id: uuid(),
      customer_number: string('CUST-000001'),
      display_name: string(),
      customer_type: oneOfValues(CUSTOMER_TYPES),
      account_status: oneOfValues(ACCOUNT_STATUSES),
      email: nullable(string()),
      phone: string(),
      address: object({ street: string(), city: nullable(string()), state: nullable(string()), postal_code: nullable(string()), country: nullable(string()) }),
      service_address: nullable(string()),
      portal_id: nullable(string('The Portal ID of its portal account, if it has one.')),
      created_at: dateTime(),
    }),
  },
};

/** Document 004 "Identity Module APIs", mounted at /api/v1/identity. */
export function identityRouter(deps: ApiDeps): Router {
  const userTexts = new PresentedTexts(presentUser);
  const customerTexts = new PresentedTexts(presentCustomer);
  const router = adminRouter(deps);

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/users',
        query: usersQuery,
        before: [permit('users.list')],
        keep: deps.keptAnswers,
        doc: {
          ...dotmacDoc,
          tag: ADMIN_TAGS.users,
          ...rolesDoc('users.list'),
          operationId: 'dotmacUserList',
          summary: 'List system users with pagination and filtering',
          description: 'Newest first. `role` (a 004 role name), `active`, `search` (word prefixes of the name and email), `limit`, `offset`.',
          success: [dotmacSuccess(200, 'A page of users.', object({ users: array(ref('DotmacUser')), total: integer(), limit: integer(), offset: integer() }), { paginated: true })],
          statuses: [403, 422, ...ALWAYS],
        },
        handle: async (req, res, { query }) => {
          const { items, total } = await listUsers(deps.readStore, {
            role: query.role ? roleOf(query.role) : undefined,
            isActive: query.active,
            search: query.search || undefined,
            skip: query.offset,
            limit: query.limit,
          });
          okWithTexts(deps, req, res, { users: userTexts.page(items), total, limit: query.limit, offset: query.offset }, { pagination: paginationOf(query, total) });
        },
      }),
      route({
        method: 'post',
        path: '/users',
        body: createUserBody,
        bodyLimit: '16kb',
        before: [permit('users.create')],
        doc: {
          ...dotmacDoc,
          tag: ADMIN_TAGS.users,
          ...rolesDoc('users.create'),
          operationId: 'dotmacUserCreate',
          summary: 'Create a new system user',
          description:
            'One role in `roles` (tenant_admin, support, supervisor, technician; super_admin and auditor only by a super admin). The username and the email are unique among all users (409 DUPLICATE_RESOURCE `details.field`). The user signs in with the email and password (POST /api/auth/login).',
          success: [dotmacSuccess(201, 'Created.', object({ user: ref('DotmacUser') }))],
          statuses: [403, 409, 422, ...ALWAYS],
        },
        handle: async (req, res, { body }) => {
          const role = singleRole(body.roles);
          if ((role === 'super_admin' || role === 'auditor') && requireAuth(req).role !== 'super_admin') {
            throw new ForbiddenError('Only a super admin creates super admins and auditors');
          }
          const created = await registerStaffUser(
            deps.commands,
            { username: body.username, email: body.email, password: body.password, firstName: body.first_name, lastName: body.last_name, role, phone: body.phone ?? null, timezone: body.timezone ?? null },
            metaFor(req),
          );
          await settle(deps, req, created.position);
          const doc = await findUserById(deps.readStore, created.userId);
          if (!doc) throw new NotFoundError('User', created.userId);
          ok(deps, req, res, { user: presentUser(doc) }, { status: 201, message: 'User created successfully' });
        },
      }),
      route({
        method: 'get',
        path: '/customers',
        query: customersQuery,
        before: [permit('customers.list')],
        keep: deps.keptAnswers,
        doc: {
          ...dotmacDoc,
          tag: ADMIN_TAGS.customers,
          ...rolesDoc('customers.list'),
          operationId: 'dotmacCustomerList',
          summary: 'List customers with advanced filtering',
          description: 'Newest first. `customer_type`, `status` (the account status), `search` (word prefixes of the name, email, phone and customer number), `limit`, `offset`.',
          success: [dotmacSuccess(200, 'A page of customers.', object({ customers: array(ref('DotmacCustomer')), total: integer(), limit: integer(), offset: integer() }), { paginated: true })],
          statuses: [403, 422, ...ALWAYS],
        },
        handle: async (req, res, { query }) => {
          const { items, total } = await listDotmacCustomers(deps.readStore, {
            customerType: query.customer_type,
            status: query.status,
            search: query.search || undefined,
            skip: query.offset,
            limit: query.limit,
          });
          okWithTexts(deps, req, res, { customers: customerTexts.page(items), total, limit: query.limit, offset: query.offset }, { pagination: paginationOf(query, total) });
        },
      }),
      route({
        method: 'post',
        path: '/customers',
        body: createCustomerBody,
        bodyLimit: '32kb',
        before: [permit('customers.create')],
        doc: {
          ...dotmacDoc,
          tag: ADMIN_TAGS.customers,
          ...rolesDoc('customers.create'),
          operationId: 'dotmacCustomerCreate',
          summary: 'Create a new customer, with a Portal ID when asked',
          description:
            'The customer is numbered CUST-… and starts `pending` (active once a service is activated). With `create_portal_account`, a portal account gets an unguessable Portal ID and `portal_password` as its temporary password (generated and answered once as `temporary_password` when left out); it is pending activation until the customer\'s first password change. The email is unique among customers (409 DUPLICATE_RESOURCE `details.field: email`).',
          success: [
            dotmacSuccess(
              201,
              'Created.',
              object(
                {
                  customer: ref('DotmacCustomer'),
                  portal_account: nullable(
                    object(
                      {
                        portal_id: string(),
                        status: constant('pending_activation'),
                        activation_required: constant(true),
                        temporary_password: string('Only when it was generated: hand it to the customer; it is not shown again.'),
                      },
                      { optional: ['temporary_password'] },
                    ),
                  ),
                },
              ),
            ),
          ],
          statuses: [403, 409, 422, ...ALWAYS],
        },
        handle: async (req, res, { body }) => {
          const meta = metaFor(req);
          const a = body.address;
          const registered = await registerCustomer(
            deps.commands,
            {
              status: 'pending',
              createLogin: false,
              details: {
                fullName: `${body.first_name} ${body.last_name}`,
                phone: body.phone,
                email: body.email,
                nationalId: null,
                address: { line: a.street, line2: null, block: null, unit: null, city: a.city ?? null, province: a.state ?? null, postalCode: a.postal_code ?? null, country: a.country ?? null },
                coordinates: null,
                serviceArea: a.city ?? null,
                servicePackage: null,
                brand: null,
                installationDate: null,
                customerType: body.customer_type,
                serviceAddress: body.service_address ?? null,
              },
            },
            meta,
          );
          const account = body.create_portal_account
            ? await createPortalAccount(deps.commands, { customerId: registered.customerId, temporaryPassword: body.portal_password ?? null }, meta)
            : null;
          await settle(deps, req, latest(registered.result.position, account?.position));
          const doc = await getDotmacCustomer(deps.readStore, registered.customerId);
          if (!doc) throw new NotFoundError('Customer', registered.customerId);
          const portal = account
            ? { portal_id: account.portalId, status: account.status, activation_required: true as const, ...(account.generatedPassword ? { temporary_password: account.temporaryPassword } : {}) }
            : null;
          ok(deps, req, res, { customer: presentCustomer(doc), portal_account: portal }, {
            status: 201,
            message: account ? `Customer created successfully with Portal ID: ${account.portalId}` : 'Customer created successfully',
          });
        },
      }),
    ],
    components,
  );
  return closeAdminRouter(router, deps);
}
