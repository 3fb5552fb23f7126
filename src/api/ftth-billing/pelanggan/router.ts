import { Router, type Request, type Response } from 'express';
import { closePelanggan } from '../../../commands/billing/customers';
import { registerCustomer, updateCustomer } from '../../../commands/customers';
import { NotFoundError, ValidationError } from '../../../domain/shared/errors';
import { getPlan } from '../../../projections/billing-catalog/queries';
import type { PelangganDoc } from '../../../projections/billing-customers/projector';
import {
  currentLangganan,
  getDataTeknisOfPelanggan,
  getPelanggan,
  getPelangganByCustomerId,
  listPelanggan,
  pelangganPages,
} from '../../../projections/billing-customers/queries';
import { ifMatch, setEtag } from '../../http/conditional';
import { mikrotikSyncForPelanggan } from '../../../projections/mikrotik-sync/queries';
import { metaFor } from '../../http/context';
import { idempotent } from '../../http/idempotency';
import { declareRoutes, route } from '../../http/route';
import { singleFileUpload } from '../../http/uploads';
import { ref } from '../../openapi/schema';
import { settle, type ApiDeps } from '../../deps';
import { billingDoc, sendList, listOf, TAGS } from '../envelope';
import { PresentedTexts } from '../../http/json-text';
import { billingErrorHandler } from '../errors';
import type { Guard } from '../guard';
import { BILLING_PERMISSIONS as P } from '../permissions';
import type { BillingLimiters } from '../rate-limit';
import { billingComponents } from '../schemas';
import { CSV_COLUMNS, importPelangganCsv, writePelangganCsv, type ImportOutcome } from './csv';
import { createPelangganBody, exportQuery, listPelangganQuery, pelangganParams, updatePelangganBody } from './input';
import { changesOf, detailsOf, requireBrand } from './mapping';
import { pick, presentPelanggan, presentPelangganDetail } from './presenter';
import { customerStream } from '../../../domain/customer';

const base = { ...billingDoc, tag: TAGS.pelanggan };

/**
 * Document 002 "Pelanggan Endpoints" at /api/pelanggan. A pelanggan is the canonical Customer
 * (the one document 000 shows at /api/customers/{uuid}); its 002 id is the customer number.
 * Reads come from the billing_pelanggan read model; writes are the customer commands.
 */
export function pelangganRouter(deps: ApiDeps, limits: BillingLimiters, guard: Guard): Router {
  const pelangganTexts = new PresentedTexts(presentPelanggan);
  const router = Router();

  const load = async (pelangganId: number): Promise<PelangganDoc> => {
    const doc = await getPelanggan(deps.readStore, pelangganId);
    if (!doc) throw new NotFoundError('Pelanggan', String(pelangganId));
    return doc;
  };
  const detail = async (res: Response, doc: PelangganDoc, status = 200) => {
    const [plan, teknis, sync] = await Promise.all([
      doc.paket_layanan_id !== null ? getPlan(deps.readStore, doc.paket_layanan_id) : Promise.resolve(null),
      getDataTeknisOfPelanggan(deps.readStore, doc.id),
      mikrotikSyncForPelanggan(deps.readStore, doc.id),
    ]);
    setEtag(res, doc.revision, customerStream(doc._id));
    res.status(status).json(presentPelangganDetail(doc, plan, teknis, sync));
  };
  const upload = singleFileUpload(
    { fileStore: deps.fileStore, ids: deps.commands.ids, clock: deps.commands.clock },
    { field: 'file', maxBytes: deps.settings.billing.importMaxBytes, accept: ['text'], label: 'file' },
  );

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/export/csv',
        query: exportQuery,
        before: guard(P, 'exportPelanggan', limits.export),
        doc: {
          ...base,
          operationId: 'billingPelangganExport',
          summary: 'Export pelanggan as CSV (the import template’s columns)',
          description: `Same filters as the list; up to 50,000 rows, streamed. Columns: ${CSV_COLUMNS.join(', ')}. 10 per hour per user.`,
          success: [{ status: 200, description: 'The CSV.', otherContent: { 'text/csv': { schema: { type: 'string' } } } }],
          statuses: [403, 429],
          roles: P.exportPelanggan,
        },
        handle: async (req, res, { query }) => {
          res.status(200);
          res.setHeader('Content-Type', 'text/csv; charset=utf-8');
          res.setHeader('Content-Disposition', 'attachment; filename="pelanggan.csv"');
          const pages = pelangganPages(deps.readStore, { search: query.search, alamat: query.alamat, idBrand: query.id_brand, skip: query.skip, limit: query.limit });
          await writePelangganCsv(pages, res);
        },
      }),
      route({
        method: 'post',
        path: '/import',
        before: guard(P, 'importPelanggan', limits.import),
        after: [upload],
        doc: {
          ...base,
          operationId: 'billingPelangganImport',
          summary: 'Import pelanggan from a CSV file (the template of the document)',
          description:
            'Each row is validated like POST /api/pelanggan/; valid rows are created (with their package as a subscription when `Layanan` names one of the brand), invalid rows are reported with the file’s own line (header = 1). Sending the same file again creates nothing more: its rows count as already imported. 5 per hour per user.',
          multipart: {
            schema: { type: 'object', properties: { file: { type: 'string', format: 'binary', description: 'The CSV file (UTF-8).' } }, required: ['file'] },
          },
          success: [{ status: 200, description: 'What was created and what was refused.', schema: ref('BillingImportResult') }],
          statuses: [403, 429],
          roles: P.importPelanggan,
        },
        handle: async (req, res) => {
          const file = req.storedFile;
          if (!file) throw new ValidationError({ file: ['The file field is required.'] });
          const meta = metaFor(req);
          // The whole import, once per file content: the same file again answers the same result.
          const begin = await deps.idempotency.begin('pelanggan-import', file.sha256, file.sha256, meta);
          let outcome: ImportOutcome;
          if (begin.kind === 'replay') {
            outcome = begin.response.body as ImportOutcome;
          } else {
            try {
              const opened = await deps.fileStore.open(file.id);
              if (!opened) throw new Error('the uploaded file is gone');
              outcome = await importPelangganCsv(deps, opened.content, file.sha256, meta);
            } catch (err) {
              await deps.idempotency.abandon(begin, 'import failed', meta);
              throw err;
            }
            await deps.idempotency.complete(begin, { status: 200, body: outcome, headers: {} }, meta);
          }
          // The file held personal data: it is not kept once read.
          await deps.fileStore.delete(file.id);
          await settle(deps, req, await deps.commands.eventStore.headPosition());
          // Sent again, nothing is created: every row the first import created is already imported.
          const answer: ImportOutcome =
            begin.kind === 'replay' ? { ...outcome, created: 0, already_imported: outcome.created + outcome.already_imported } : outcome;
          res.json({
            detail: `Import selesai: ${answer.created} dibuat, ${answer.already_imported} sudah ada, ${answer.errors.length} baris ditolak.`,
            ...answer,
          });
        },
      }),
      route({
        method: 'post',
        path: '/',
        body: createPelangganBody,
        before: guard(P, 'editPelanggan'),
        after: [idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger })],
        doc: {
          ...base,
          operationId: 'billingPelangganCreate',
          summary: 'Create a pelanggan',
          description: '`no_ktp` and `email` are unique among customers (409). The customer is also document 000’s customer.',
          idempotencyKey: true,
          success: [{ status: 201, description: 'The pelanggan.', schema: ref('BillingPelangganDetail'), headers: ['ETag', 'Location'] }],
          statuses: [403, 409],
          roles: P.editPelanggan,
        },
        handle: async (req, res, { body }) => {
          await requireBrand(deps.commands, body.id_brand);
          const { customerId, number, result } = await registerCustomer(deps.commands, { details: detailsOf(body), status: 'active', createLogin: false }, metaFor(req));
          await settle(deps, req, result.position);
          const doc = await getPelangganByCustomerId(deps.readStore, customerId);
          if (!doc) throw new NotFoundError('Pelanggan', String(number));
          res.setHeader('Location', `/api/pelanggan/${number}`);
          await detail(res, doc, 201);
        },
      }),
      route({
        method: 'get',
        path: '/',
        query: listPelangganQuery,
        before: guard(P, 'viewPelanggan'),
        keep: deps.keptAnswers,
        doc: {
          ...base,
          operationId: 'billingPelangganList',
          summary: 'List pelanggan',
          description: 'Newest first. `search` matches word prefixes of nama, email and no_telp; `alamat` of the address.',
          success: [{ status: 200, description: 'A page.', schema: listOf(ref('BillingPelangganItem')) }],
          statuses: [403],
          roles: P.viewPelanggan,
        },
        handle: async (_req, res, { query }) => {
          const { items, total } = await listPelanggan(deps.readStore, { search: query.search, alamat: query.alamat, idBrand: query.id_brand, skip: query.skip, limit: query.limit });
          // `fields` narrows each item: those pages are made whole each time.
          sendList(res, query.fields ? items.map((d) => pick(presentPelanggan(d), query.fields)) : pelangganTexts.page(items), total, query);
        },
      }),
      route({
        method: 'get',
        path: '/:pelanggan_id',
        params: pelangganParams,
        before: guard(P, 'viewPelanggan'),
        doc: {
          ...base,
          operationId: 'billingPelangganGet',
          summary: 'A pelanggan, with its package (harga_layanan) and technical data',
          success: [{ status: 200, description: 'The pelanggan.', schema: ref('BillingPelangganDetail'), headers: ['ETag'] }],
          statuses: [403, 404],
          roles: P.viewPelanggan,
        },
        handle: async (_req, res, { params }) => {
          await detail(res, await load(params.pelanggan_id));
        },
      }),
      route({
        method: 'patch',
        path: '/:pelanggan_id',
        params: pelangganParams,
        body: updatePelangganBody,
        before: guard(P, 'editPelanggan'),
        doc: {
          ...base,
          operationId: 'billingPelangganUpdate',
          summary: 'Update a pelanggan (the fields sent)',
          ifMatch: true,
          success: [{ status: 200, description: 'The pelanggan.', schema: ref('BillingPelangganDetail'), headers: ['ETag'] }],
          statuses: [403, 404, 409],
          roles: P.editPelanggan,
        },
        handle: async (req: Request, res, { params, body }) => {
          const doc = await load(params.pelanggan_id);
          if (body.id_brand !== undefined) await requireBrand(deps.commands, body.id_brand);
          const result = await updateCustomer(deps.commands, doc._id, changesOf(body), metaFor(req), { ifMatch: ifMatch(req) });
          await settle(deps, req, result.position);
          await detail(res, await load(params.pelanggan_id));
        },
      }),
      route({
        method: 'delete',
        path: '/:pelanggan_id',
        params: pelangganParams,
        before: guard(P, 'closePelanggan'),
        doc: {
          ...base,
          operationId: 'billingPelangganDelete',
          summary: 'Close a pelanggan',
          description:
            'A recorded closure (CustomerClosed), not an erasure of history: its subscription ends, the customer leaves every list and read of every document, and its personal fields (nama, no_ktp, no_telp, email, alamat) leave every read model and export. Its invoices and payments stay; its billing history stays readable for auditors (GET /api/activity-logs/pelanggan/{id}).',
          success: [],
          extraResponses: { '204': { description: 'Closed.' } },
          statuses: [403, 404],
          roles: P.closePelanggan,
        },
        handle: async (req, res, { params }) => {
          const doc = await load(params.pelanggan_id);
          const subscriptions = await currentLangganan(deps.readStore, doc._id);
          const result = await closePelanggan(deps.commands, doc._id, subscriptions.map((s) => s.id), metaFor(req));
          await settle(deps, req, result.position);
          res.status(204).end();
        },
      }),
    ],
    billingComponents,
  );
  router.use(billingErrorHandler(deps.logger));
  return router;
}
