import express, { Router, type Request } from 'express';
import { deactivateUser, registerUser, updateUser } from '../../../commands/users';
import { NotFoundError } from '../../../domain/shared/errors';
import type { UserState } from '../../../domain/user';
import { findUserById, listUsers } from '../../../projections/users/queries';
import type { UserDoc } from '../../../projections/users/projector';
import { authenticate } from '../../http/authenticate';
import { metaFor, requireAuth } from '../../http/context';
import { idempotent } from '../../http/idempotency';
import { validate } from '../../http/validation';
import { settle, type ApiDeps } from '../../deps';
import { ok, pageOf, pagination } from '../envelope';
import { tmsErrorHandler } from '../errors';
import { permit } from '../permissions';
import { ifMatch, setEtag, uuidParam } from '../../http/conditional';
import { asDuplicateEmail } from './http';
import { createUserBody, deleteUserBody, listUsersQuery, updateUserBody } from './input';
import { assertMayChange, assertMayCreate, assertMayView, USER_PERMISSIONS } from './permissions';
import { presentUser } from './presenter';
import { userStream } from '../../../domain/user';

/**
 * Document 000, user management: GET/POST /api/users, GET/PUT/DELETE /api/users/:id.
 * Writes are commands on the user's stream; reads come from the `users` read model.
 */
export function usersRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(authenticate(deps, 'staff'));
  router.use(express.json({ limit: '64kb' }));

  const load = async (userId: string): Promise<UserDoc> => {
    const doc = await findUserById(deps.readStore, userId);
    if (!doc) throw new NotFoundError('User', userId);
    return doc;
  };
  const answer = async (req: Request, res: express.Response, userId: string, position: number | null, status = 200) => {
    await settle(deps, req, position);
    const doc = await load(userId);
    setEtag(res, doc.revision, userStream(doc._id));
    ok(res, { user: presentUser(doc) }, status);
  };

  router.get('/', permit(USER_PERMISSIONS, 'list'), async (req, res) => {
    const q = validate(listUsersQuery, req.query);
    const page = pageOf(q);
    const { items, total } = await listUsers(deps.readStore, {
      role: q.role,
      isActive: q.is_active,
      search: q.search || undefined,
      skip: page.skip,
      limit: page.limit,
    });
    ok(res, { users: items.map(presentUser), pagination: pagination(page, total) });
  });

  router.post(
    '/',
    permit(USER_PERMISSIONS, 'create'),
    idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger }),
    async (req, res) => {
      const body = validate(createUserBody, req.body ?? {});
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
  );

  router.get('/:id', async (req, res) => {
    const userId = uuidParam(req, 'User');
    assertMayView(requireAuth(req), userId);
    const doc = await load(userId);
    setEtag(res, doc.revision, userStream(doc._id));
    ok(res, { user: presentUser(doc) });
  });

  router.put('/:id', async (req, res) => {
    const userId = uuidParam(req, 'User');
    const actor = requireAuth(req);
    const body = validate(updateUserBody, req.body ?? {});
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
  });

  router.delete('/:id', permit(USER_PERMISSIONS, 'deactivate'), async (req, res) => {
    const userId = uuidParam(req, 'User');
    const actor = requireAuth(req);
    const body = validate(deleteUserBody, req.body ?? {});
    const result = await deactivateUser(deps.commands, userId, body.reason || null, metaFor(req), {
      authorize: (target) => assertMayChange(actor, target, { isActive: false }, deps.commands.passwords),
    });
    await answer(req, res, userId, result.position);
  });

  router.use(tmsErrorHandler(deps.logger));
  return router;
}
