import { Router, type Request, type Response } from 'express';
import {
  probeMikrotikServers,
  registerMikrotikServer,
  removeMikrotikServer,
  testMikrotikServer,
  updateMikrotikServer,
} from '../../../commands/mikrotik-servers';
import { syncPppoeSecret } from '../../../commands/mikrotik-sync';
import { ROUTEROS_API_PORT, ROUTEROS_API_SSL_PORT, type ServerDetails } from '../../../domain/mikrotik-server';
import { NotFoundError } from '../../../domain/shared/errors';
import { activeMikrotikServerIds, getMikrotikServer, listMikrotikServers } from '../../../projections/mikrotik-servers/queries';
import { resolvePppoeSyncSubject } from '../../../projections/mikrotik-sync/subject';
import { settle, type ApiDeps } from '../../deps';
import { ifMatch, setEtag } from '../../http/conditional';
import { metaFor } from '../../http/context';
import { idempotent } from '../../http/idempotency';
import { declareRoutes, route } from '../../http/route';
import { ref } from '../../openapi/schema';
import { billingDoc, sendList } from '../envelope';
import { PresentedTexts } from '../../http/json-text';
import { BILLING_ERROR_STYLE } from '../errors';
import { guard, type Guard } from '../guard';
import { billingRateLimits } from '../rate-limit';
import { MikrotikSyncFailedError, mikrotikErrorHandler } from './errors';
import { createServerBody, listQuery, serverParams, syncParams, updateServerBody } from './input';
import { MIKROTIK_PERMISSIONS as P } from './permissions';
import { MIKROTIK_SCHEMAS, presentHealthEntry, presentServer, presentSync, presentTest } from './presenter';
import { mikrotikServerStream } from '../../../domain/mikrotik-server';

const TAG = '002 · Mikrotik';
const base = { ...billingDoc, tag: TAG };

const components = {
  tags: [
    {
      name: TAG,
      description:
        'Document 002, Mikrotik servers and PPPoE provisioning over the RouterOS API (docs/api/002-mikrotik.md). Router logins are stored encrypted and never returned.',
    },
  ],
  schemas: MIKROTIK_SCHEMAS,
  errorStyles: { billing: BILLING_ERROR_STYLE },
};

/**
 * Document 002 "Mikrotik Endpoints", mounted at /api/mikrotik_servers. `allow` is document 002's
 * guard (bearer token, per-user rate limit, role), shared with its other routers when mounted
 * beside them (src/api/ftth-billing/router.ts). The servers themselves
 * (list, get, create, PATCH, DELETE), a connection test, the health of every server, and the
 * sync of one pelanggan's PPPoE secret. Writes are commands on the server's stream (or the
 * customer's `mikrotik_sync-` stream); reads come from the read models.
 */
export function mikrotikServersRouter(deps: ApiDeps, allow: Guard = guard(deps, billingRateLimits(deps))): Router {
  const serverTexts = new PresentedTexts(presentServer);
  const router = Router();
  const idempotency = idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger });

  const load = async (serverId: number) => {
    const doc = await getMikrotikServer(deps.readStore, serverId);
    if (!doc) throw new NotFoundError('Mikrotik server', String(serverId));
    return doc;
  };
  const answer = async (req: Request, res: Response, serverId: number, position: number | null, status = 200) => {
    await settle(deps, req, position);
    const doc = await load(serverId);
    setEtag(res, doc.revision, mikrotikServerStream(doc.id));
    res.status(status).json(presentServer(doc));
  };

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/health',
        before: allow(P, 'view'),
        doc: {
          ...base,
          operationId: 'mikrotikHealth',
          summary: 'Connection status of every Mikrotik server',
          description: 'Connects to each server now (a few at a time, each bounded by MIKROTIK_TIMEOUT_MS) and logs in; records nothing.',
          success: [{ status: 200, description: 'Each server online or offline, with why.', schema: ref('MikrotikHealth') }],
          statuses: [403, 429],
          roles: P.view,
        },
        handle: async (_req, res) => {
          const ids = await activeMikrotikServerIds(deps.readStore);
          const probes = await probeMikrotikServers(deps.commands, ids);
          const data = probes.map(({ serverId, state, probe }) => presentHealthEntry(serverId, state.details.name, state.details.host, state.details.port, probe));
          const online = data.filter((d) => d.status === 'online').length;
          res.json({ data, total_count: data.length, online_count: online, offline_count: data.length - online, checked_at: deps.commands.clock.now().toISOString() });
        },
      }),
      route({
        method: 'get',
        path: '/',
        query: listQuery,
        before: allow(P, 'view'),
        keep: deps.keptAnswers,
        doc: {
          ...base,
          operationId: 'mikrotikServerList',
          summary: 'Mikrotik servers',
          description: 'By id; removed servers are left out.',
          success: [{ status: 200, description: 'A page of servers.', schema: ref('MikrotikServerList') }],
          statuses: [403, 429],
          roles: P.view,
        },
        handle: async (_req, res, { query }) => {
          const { items, total } = await listMikrotikServers(deps.readStore, query);
          sendList(res, serverTexts.page(items), total, query);
        },
      }),
      route({
        method: 'post',
        path: '/',
        body: createServerBody,
        before: allow(P, 'manage'),
        after: [idempotency],
        doc: {
          ...base,
          operationId: 'mikrotikServerCreate',
          summary: 'Register a Mikrotik server',
          description: 'The login is stored encrypted (SECRETS_KEY) and never returned. Names are unique (409).',
          idempotencyKey: true,
          success: [{ status: 201, description: 'The server.', schema: ref('MikrotikServer'), headers: ['ETag', 'Location'] }],
          statuses: [403, 409, 429],
          roles: P.manage,
        },
        handle: async (req, res, { body }) => {
          const useTls = body.use_ssl ?? false;
          const details: ServerDetails = {
            name: body.name,
            host: body.host_ip,
            port: body.port ?? (useTls ? ROUTEROS_API_SSL_PORT : ROUTEROS_API_PORT),
            useTls,
            rosVersion: body.ros_version ?? null,
          };
          const { serverId, result } = await registerMikrotikServer(deps.commands, { details, username: body.username, password: body.password }, metaFor(req));
          res.setHeader('Location', `/api/mikrotik_servers/${serverId}`);
          await answer(req, res, serverId, result.position, 201);
        },
      }),
      route({
        method: 'get',
        path: '/:server_id',
        params: serverParams,
        before: allow(P, 'view'),
        doc: {
          ...base,
          operationId: 'mikrotikServerGet',
          summary: 'One Mikrotik server',
          success: [{ status: 200, description: 'The server.', schema: ref('MikrotikServer'), headers: ['ETag'] }],
          statuses: [403, 404, 429],
          roles: P.view,
        },
        handle: async (_req, res, { params }) => {
          const doc = await load(params.server_id);
          setEtag(res, doc.revision, mikrotikServerStream(doc.id));
          res.json(presentServer(doc));
        },
      }),
      route({
        method: 'patch',
        path: '/:server_id',
        params: serverParams,
        body: updateServerBody,
        before: allow(P, 'manage'),
        doc: {
          ...base,
          operationId: 'mikrotikServerUpdate',
          summary: 'Change a Mikrotik server',
          description: 'Only the fields sent change; a new username or password is stored encrypted.',
          ifMatch: true,
          success: [{ status: 200, description: 'The server.', schema: ref('MikrotikServer'), headers: ['ETag'] }],
          statuses: [403, 404, 409, 429],
          roles: P.manage,
        },
        handle: async (req, res, { params, body }) => {
          const details: Partial<ServerDetails> = {
            name: body.name,
            host: body.host_ip,
            port: body.port,
            useTls: body.use_ssl,
            rosVersion: body.ros_version,
          };
          const result = await updateMikrotikServer(
            deps.commands,
            params.server_id,
            { details, username: body.username, password: body.password },
            metaFor(req),
            { ifMatch: ifMatch(req) },
          );
          await answer(req, res, params.server_id, result.position);
        },
      }),
      route({
        method: 'delete',
        path: '/:server_id',
        params: serverParams,
        before: allow(P, 'manage'),
        doc: {
          ...base,
          operationId: 'mikrotikServerDelete',
          summary: 'Remove a Mikrotik server',
          description: 'The server leaves every list and read; its history stays in its stream. The PPPoE secrets on the router are left as they are.',
          ifMatch: true,
          success: [],
          extraResponses: { '204': { description: 'Removed.' } },
          statuses: [403, 404, 429],
          roles: P.manage,
        },
        handle: async (req, res, { params }) => {
          const result = await removeMikrotikServer(deps.commands, params.server_id, metaFor(req), { ifMatch: ifMatch(req) });
          await settle(deps, req, result.position);
          res.status(204).end();
        },
      }),
      route({
        method: 'post',
        path: '/:server_id/test',
        params: serverParams,
        before: allow(P, 'test'),
        after: [idempotency],
        doc: {
          ...base,
          operationId: 'mikrotikServerTest',
          summary: 'Test the connection to a Mikrotik server',
          description:
            'Connects, logs in and reads /system/identity and /system/resource. An unreachable router or a refused login is a 200 with `success: false` and why; the outcome is recorded and shown as the server’s connection_status.',
          idempotencyKey: true,
          success: [{ status: 200, description: 'The outcome of the test.', schema: ref('MikrotikConnectionTest') }],
          statuses: [403, 404, 429],
          roles: P.test,
        },
        handle: async (req, res, { params }) => {
          const { probe, result } = await testMikrotikServer(deps.commands, params.server_id, metaFor(req));
          await settle(deps, req, result.position);
          const testedAt = String(result.newEvents[0]?.data.testedAt ?? deps.commands.clock.now().toISOString());
          res.json(presentTest(params.server_id, probe, testedAt));
        },
      }),
      route({
        method: 'post',
        path: '/:server_id/sync/:pelanggan_id',
        params: syncParams,
        before: allow(P, 'sync'),
        after: [idempotency],
        doc: {
          ...base,
          operationId: 'mikrotikSyncPelanggan',
          summary: 'Sync a pelanggan’s PPPoE secret to a Mikrotik server',
          description:
            'Creates or updates the PPPoE secret (data teknis user name and password, remote address ip_pelanggan) on the profile of the pelanggan’s paket layanan (created on the router when missing). A suspended pelanggan gets a disabled secret on the suspended profile and its live session removed. The outcome is recorded (PppoeSynced or PppoeSyncFailed) and shown in the pelanggan’s data teknis; a router failure answers 502.',
          idempotencyKey: true,
          success: [{ status: 200, description: 'What the router now holds.', schema: ref('MikrotikSyncResult') }],
          statuses: [403, 404, 422, 429, 502],
          roles: P.sync,
        },
        handle: async (req, res, { params }) => {
          const subject = await resolvePppoeSyncSubject(deps.readStore, params.pelanggan_id);
          if (!subject) throw new NotFoundError('Pelanggan', String(params.pelanggan_id));
          const outcome = await syncPppoeSecret(deps.commands, params.server_id, subject, metaFor(req));
          await settle(deps, req, outcome.result?.position ?? null);
          if (outcome.status === 'failed') throw new MikrotikSyncFailedError(outcome.reason);
          const syncedAt = String(outcome.result.newEvents[0]?.data.syncedAt ?? deps.commands.clock.now().toISOString());
          res.json(presentSync(params.server_id, params.pelanggan_id, outcome, syncedAt));
        },
      }),
    ],
    components,
  );

  router.use(mikrotikErrorHandler(deps.logger));
  return router;
}
