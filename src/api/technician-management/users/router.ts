import { Router, type Request, type Response } from 'express';
import { deactivateUser, registerUser, updateUser } from '../../../commands/users';
import { NotFoundError } from '../../../domain/shared/errors';
import { userStream, type UserState } from '../../../domain/user';
import { findUserById, listUsers } from '../../../projections/users/queries';
import type { UserDoc } from '../../../projections/users/projector';
import { authenticate } from '../../http/authenticate';
import { ifMatch, setEtag } from '../../http/conditional';
import { metaFor, requireAuth } from '../../http/context';
import { idempotent } from '../../http/idempotency';
import { declareRoutes, route } from '../../http/route';
import { pagination as paginationSchema } from '../../openapi/components';
import { array, object, ref } from '../../openapi/schema';
import { settle, type ApiDeps } from '../../deps';
import { ok, okWithTexts, pageOf, pagination } from '../envelope';
import { PresentedTexts } from '../../http/json-text';
import { tmsErrorHandler } from '../errors';
import { TAGS, tms, uuidParams } from '../openapi';
import { permit } from '../permissions';
import { asDuplicateEmail } from './http';
import { createUserBody, deleteUserBody, listUsersQuery, updateUserBody } from './input';
import { assertMayChange, assertMayCreate, assertMayView, USER_PERMISSIONS as P } from './permissions';
import { presentUser, USER_SCHEMAS } from './presenter';

const base = { ...tms, tag: TAGS.users };
const userParams = uuidParams('user');
const userAnswer = object({ user: ref('TmsUser') });

/**
 * Document 000, user management: GET/POST /api/users, GET/PUT/DELETE /api/users/:id.
 * Writes are commands on the user's stream; reads come from the `users` read model.
 */
export function usersRouter(deps: ApiDeps): Router {
  const userTexts = new PresentedTexts(presentUser);
  const router = Router();
  router.use(authenticate(deps, 'staff'));

  const load = async (userId: string): Promise<UserDoc> => {
    const doc = await findUserById(deps.readStore, userId);
    if (!doc) throw new NotFoundError('User', userId);
    return doc;
  };
  const answer = async (req: Request, res: Response, userId: string, position: number | null, status = 200) => {
    await settle(deps, req, position);
    const doc = await load(userId);
    setEtag(res, doc.revision, userStream(doc._id));
    ok(res, { user: presentUser(doc) }, status);
  };

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/',
        query: listUsersQuery,
        before: [permit(P, 'list')],
        keep: deps.keptAnswers,
        doc: {
          ...base,
          operationId: 'userList',
          summary: 'List users',
          description: 'Newest first.',
          queryDescriptions: { search: 'Words of the name or email.', is_active: 'true/false (or 1/0).' },
          success: [{ status: 200, description: 'A page of users.', schema: object({ users: array(ref('TmsUser')), pagination: paginationSchema }) }],
          statuses: [403],
          roles: P.list,
        },
        handle: async (_req, res, { query: q }) => {
          const page = pageOf(q);
          const { items, total } = await listUsers(deps.readStore, {
            role: q.role,
            isActive: q.is_active,
            search: q.search || undefined,
            skip: page.skip,
            limit: page.limit,
          });
          okWithTexts(res, { users: userTexts.page(items), pagination: pagination(page, total) });
        },
      }),
      route({
        method: 'post',
        path: '/',
        body: createUserBody,
        bodyLimit: '64kb',
        before: [permit(P, 'create')],
        after: [idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger })],
        doc: {
          ...base,
          operationId: 'userCreate',
          summary: 'Create a user',
          description: 'Only a super admin may create a super admin or an auditor. The email is unique across all users (409 DUPLICATE_ENTRY).',
          idempotencyKey: true,
          success: [{ status: 201, description: 'Created.', schema: userAnswer, headers: ['ETag', 'Location'] }],
          statuses: [403, 409],
          roles: P.create,
        },
        handle: async (req, res, { body }) => {
          assertMayCreate(requireAuth(req), body.role);
          const { userId, position } = await asDuplicateEmail(
            registerUser(
              deps.commands,
              {
                email: body.email,
                password: body.password,
                role: body.role,
                profile: {
                  full_name: body.profile.full_name,
                  phone: body.profile.phone,
                  avatar: body.profile.avatar || null,
                  department: body.profile.department || null,
                  pn: body.profile.pn || null,
                  position: body.profile.position || null,
                  department_id: body.profile.department_id ?? null,
                  branch_id: body.profile.branch_id ?? null,
                },
              },
              metaFor(req),
            ),
          );
          res.setHeader('Location', `/api/users/${userId}`);
          await answer(req, res, userId, position, 201);
        },
      }),
      route({
        method: 'get',
        path: '/:id',
        params: userParams,
        entity: 'User',
        doc: {
          ...base,
          operationId: 'userGet',
          summary: 'A user',
          success: [{ status: 200, description: 'The user.', schema: userAnswer, headers: ['ETag'] }],
          statuses: [403, 404],
          roles: P.view,
          rolesNote: 'anyone: themself',
        },
        handle: async (req, res, { params: { id } }) => {
          assertMayView(requireAuth(req), id);
          const doc = await load(id);
          setEtag(res, doc.revision, userStream(doc._id));
          ok(res, { user: presentUser(doc) });
        },
      }),
      route({
        method: 'put',
        path: '/:id',
        params: userParams,
        entity: 'User',
        body: updateUserBody,
        bodyLimit: '64kb',
        doc: {
          ...base,
          operationId: 'userUpdate',
          summary: 'Update a user (partial)',
          description:
            'Anyone may change their own profile, and their own password with current_password. is_active needs `deactivate`; nobody changes their own role or deactivates themself. A customer’s login account changes its email, name and phone through PUT /api/customers/{id} (422 here).',
          ifMatch: true,
          success: [{ status: 200, description: 'The user after the change.', schema: userAnswer, headers: ['ETag'] }],
          statuses: [403, 404, 409],
          roles: P.update,
          rolesNote: 'anyone: their own profile and password',
        },
        handle: async (req, res, { params: { id: userId }, body }) => {
          const actor = requireAuth(req);
          const change = {
            email: body.email,
            role: body.role,
            isActive: body.is_active,
            password: body.password,
            currentPassword: body.current_password,
            profile: body.profile,
          };
          const result = await asDuplicateEmail(
            updateUser(
              deps.commands,
              userId,
              {
                email: body.email,
                role: body.role,
                isActive: body.is_active,
                password: body.password,
                profile: body.profile && {
                  full_name: body.profile.full_name,
                  phone: body.profile.phone,
                  avatar: body.profile.avatar === undefined ? undefined : body.profile.avatar || null,
                  department: body.profile.department === undefined ? undefined : body.profile.department || null,
                  pn: body.profile.pn === undefined ? undefined : body.profile.pn || null,
                  position: body.profile.position === undefined ? undefined : body.profile.position || null,
                  department_id: body.profile.department_id,
                  branch_id: body.profile.branch_id,
                },
              },
              metaFor(req),
              {
                ifMatch: ifMatch(req),
                authorize: (target: UserState) => assertMayChange(actor, target, change, deps.commands.passwords),
              },
            ),
          );
          await answer(req, res, userId, result.position);
        },
      }),
      route({
        method: 'delete',
        path: '/:id',
        params: userParams,
        entity: 'User',
        body: deleteUserBody,
        bodyLimit: '64kb',
        before: [permit(P, 'deactivate')],
        doc: {
          ...base,
          operationId: 'userDeactivate',
          summary: 'Deactivate a user (soft delete)',
          description: 'Sets is_active to false; the user’s sessions stop working.',
          bodyRequired: false,
          success: [{ status: 200, description: 'The user, deactivated.', schema: userAnswer, headers: ['ETag'] }],
          statuses: [403, 404, 409],
          roles: P.deactivate,
        },
        handle: async (req, res, { params: { id: userId }, body }) => {
          const actor = requireAuth(req);
          const result = await deactivateUser(deps.commands, userId, body.reason || null, metaFor(req), {
            authorize: (target) => assertMayChange(actor, target, { isActive: false }, deps.commands.passwords),
          });
          await answer(req, res, userId, result.position);
        },
      }),
    ],
    {
      tags: [{ name: TAGS.users, description: 'Document 000, user management (docs/api/000-users-customers.md).' }],
      schemas: USER_SCHEMAS,
    },
  );

  router.use(tmsErrorHandler(deps.logger));
  return router;
}
