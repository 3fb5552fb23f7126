import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { dayOfPeriod, businessDate, periodOf } from '../../../commands/billing/dates';
import { createSubscription, CURRENT_SUBSCRIPTION } from '../../../commands/billing/subscriptions';
import type { RequestMeta } from '../../../commands/context';
import { CUSTOMER_NATIONAL_ID, registerCustomer } from '../../../commands/customers';
import { lookupUnique } from '../../../commands/reservations';
import { customerStream } from '../../../domain/customer';
import { DuplicateError, ValidationError } from '../../../domain/shared/errors';
import { listPlans } from '../../../projections/billing-catalog/queries';
import type { PelangganDoc } from '../../../projections/billing-customers/projector';
import type { ApiDeps } from '../../deps';
import { validate } from '../../http/validation';
import { createPelangganBody, EXPORT_MAX_ROWS } from './input';
import { detailsOf, requireBrand } from './mapping';

/**
 * The CSV of document 002 ("CSV Template"): the export writes it, the import reads it, so an
 * export imported into another store gives the same customers (with their package, by name).
 */
export const CSV_COLUMNS = ['Nama', 'No KTP', 'Email', 'No Telepon', 'Layanan', 'Alamat', 'Tanggal Instalasi (YYYY-MM-DD)', 'ID Brand'] as const;

const rowOf = (d: PelangganDoc): string[] => [d.nama, d.no_ktp ?? '', d.email ?? '', d.no_telp, d.layanan ?? '', d.alamat, d.tanggal_instalasi ?? '', d.id_brand ?? ''];

/**
 * Streams the pages as CSV into `out`, waiting for it to drain: memory holds one page of
 * documents and whatever the socket has not taken yet, whatever the number of rows.
 */
export async function writePelangganCsv(pages: AsyncIterable<PelangganDoc[]>, out: Writable): Promise<number> {
  const csv = stringify({ header: true, columns: [...CSV_COLUMNS], record_delimiter: 'windows' });
  csv.pipe(out);
  let rows = 0;
  for await (const page of pages) {
    for (const doc of page) {
      rows++;
      if (!csv.write(rowOf(doc))) await once(csv, 'drain');
    }
  }
  csv.end();
  await once(out, 'finish');
  return rows;
}

export interface ImportError {
  /** The file's own line (the header is line 1). */
  line: number;
  field: string;
  message: string;
}

export interface ImportOutcome {
  total_rows: number;
  created: number;
  /** Rows this same file had already created (an import sent again, or resumed after a crash). */
  already_imported: number;
  /** 002 ids of the customers the rows are, in file order (created or already imported). */
  pelanggan_ids: number[];
  errors: ImportError[];
}

const HEADER_FIELDS: Record<string, string> = {
  nama: 'nama',
  'no ktp': 'no_ktp',
  email: 'email',
  'no telepon': 'no_telp',
  layanan: 'layanan',
  alamat: 'alamat',
  'tanggal instalasi (yyyy-mm-dd)': 'tanggal_instalasi',
  'tanggal instalasi': 'tanggal_instalasi',
  'id brand': 'id_brand',
};
const REQUIRED = ['nama', 'no_ktp', 'email', 'no_telp', 'alamat', 'id_brand'];

/** The marker a row's events carry, so the same file's row is recognised when sent again. */
const rowMarker = (sha256: string, line: number) => `import:${sha256}:${line}`;

/**
 * Imports the CSV row by row as it is read (bounded memory). Each row is validated like
 * POST /api/pelanggan/; a valid row creates the customer (and, with a `Layanan` the brand
 * offers, its subscription); an invalid one is reported with its line and reasons. Idempotent:
 * a row's events carry `import:<file sha256>:<line>` as request id, so a row whose KTP is held by
 * the customer this same file and line created counts as already imported, not as a duplicate.
 */
export async function importPelangganCsv(deps: ApiDeps, content: Readable, sha256: string, meta: RequestMeta): Promise<ImportOutcome> {
  const commands = deps.commands;
  const outcome: ImportOutcome = { total_rows: 0, created: 0, already_imported: 0, pelanggan_ids: [], errors: [] };
  const brands = new Map<string, boolean>();
  const plans = new Map<string, Map<string, number>>();
  const parser = content.pipe(parse({ info: true, bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }));
  let columns: Array<string | null> | null = null;
  const today = businessDate(commands.clock.now(), commands.billing.timeZone);

  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    const line = info.lines - record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
    if (columns === null) {
      columns = record.map((h) => HEADER_FIELDS[h.trim().toLowerCase()] ?? null);
      const missing = REQUIRED.filter((f) => !columns!.includes(f));
      if (missing.length) {
        throw new ValidationError({ file: [`The CSV header (line 1) must name the columns ${CSV_COLUMNS.join(', ')}; missing: ${missing.join(', ')}.`] });
      }
      continue;
    }
    if (outcome.total_rows >= EXPORT_MAX_ROWS) {
      outcome.errors.push({ line, field: 'file', message: `Only the first ${EXPORT_MAX_ROWS} rows are imported.` });
      break;
    }
    outcome.total_rows++;
    const raw: Record<string, string> = {};
    columns.forEach((field, i) => {
      if (field) raw[field] = record[i] ?? '';
    });
    const fail = (field: string, message: string) => outcome.errors.push({ line, field, message });
    let body;
    try {
      body = validate(createPelangganBody, { ...raw, tanggal_instalasi: raw.tanggal_instalasi || null });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      for (const [field, messages] of Object.entries(err.fields)) for (const m of messages) fail(field, m);
      continue;
    }
    if (!brands.has(body.id_brand)) {
      brands.set(body.id_brand, await requireBrand(commands, body.id_brand).then(() => true, () => false));
    }
    if (!brands.get(body.id_brand)) {
      fail('id_brand', `The id brand ${body.id_brand} names no brand.`);
      continue;
    }
    let planId: number | null = null;
    const layanan = (raw.layanan ?? '').trim();
    if (layanan) {
      if (!plans.has(body.id_brand)) {
        const { items } = await listPlans(deps.readStore, { brandId: body.id_brand, skip: 0, limit: 1000 });
        plans.set(body.id_brand, new Map(items.map((p) => [p.nama_paket.toLowerCase(), p.id])));
      }
      planId = plans.get(body.id_brand)!.get(layanan.toLowerCase()) ?? null;
      if (planId === null) {
        fail('layanan', `The layanan ${layanan} is not a package of ${body.id_brand}.`);
        continue;
      }
    }
    const marker = rowMarker(sha256, line);
    const rowMeta: RequestMeta = { ...meta, requestId: marker, causationId: marker };
    let customerId: string;
    let number: number;
    try {
      const registered = await registerCustomer(commands, { details: detailsOf(body), status: 'active', createLogin: false }, rowMeta);
      customerId = registered.customerId;
      number = registered.number;
      outcome.created++;
    } catch (err) {
      if (!(err instanceof DuplicateError)) throw err;
      const mine = await customerOfRow(deps, body.no_ktp, marker);
      if (!mine) {
        fail(err.field === 'nationalId' ? 'no_ktp' : err.field, `The ${err.field === 'nationalId' ? 'no_ktp' : err.field} ${err.value} is already registered.`);
        continue;
      }
      ({ customerId, number } = mine);
      outcome.already_imported++;
    }
    outcome.pelanggan_ids.push(number);
    if (planId !== null && (await lookupUnique(commands, CURRENT_SUBSCRIPTION, customerId)) === null) {
      const day = Number((body.tanggal_instalasi ?? today).slice(8, 10));
      await createSubscription(commands, { customerId, terms: { planId, dueDate: dayOfPeriod(periodOf(today), day), paymentMethod: 'Manual' } }, rowMeta);
    }
  }
  if (columns === null) throw new ValidationError({ file: ['The CSV file is empty: it needs the header line and at least one row.'] });
  return outcome;
}

/** The customer holding this KTP, if this same file's row created it. */
async function customerOfRow(deps: ApiDeps, noKtp: string, marker: string): Promise<{ customerId: string; number: number } | null> {
  const customerId = await lookupUnique(deps.commands, CUSTOMER_NATIONAL_ID, noKtp);
  if (!customerId) return null;
  const [first] = await deps.commands.eventStore.readStream(customerStream(customerId), { maxCount: 1 });
  if (!first || first.type !== 'CustomerRegistered' || first.metadata.requestId !== marker) return null;
  return { customerId, number: Number(first.data.number) };
}
