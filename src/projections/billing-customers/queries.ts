import type { Filter, ReadStore } from '../../ports/read-store';
import { searchTerms } from '../customers/search';
import {
  BILLING_DATA_TEKNIS,
  BILLING_LANGGANAN,
  BILLING_PELANGGAN,
  BILLING_PELANGGAN_CLOSED,
  type ClosedPelangganDoc,
  type DataTeknisDoc,
  type LanggananDoc,
  type PelangganDoc,
} from './projector';
import type { Segment } from './vocabulary';
import { pageWithTotal } from '../engine/page';

export interface PelangganFilter {
  /** Word-prefix search over nama, email and no_telp. */
  search?: string;
  /** Words the address must hold (whole words, case- and accent-insensitive). */
  alamat?: string;
  idBrand?: string;
}

export const PELANGGAN_SORT = { id: -1 } as const;

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `search`: every word of it begins one of the tokens (customers/search.ts). Each word is an
 * anchored regex on the multikey tokens, which the SQLite read store (the embedded default) and
 * MongoDB answer from the index as a prefix range on one element; the in-memory store checks it
 * over its documents (tests).
 */

/** The words of a text as the tokens keep them (lower case, accents folded). */
const wordsOf = (text: string): string[] => [
  ...new Set(
    text
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean),
  ),
];

export function pelangganFilter(q: PelangganFilter): Filter {
  const parts: Filter[] = [];
  if (q.idBrand) parts.push({ id_brand: q.idBrand.trim().toUpperCase() });
  for (const term of q.search ? searchTerms(q.search) : []) parts.push({ search_tokens: { $regex: `^${escapeRegex(term)}` } });
  // Whole words, each an equality on the multikey index: exact, and walked in id order.
  for (const word of q.alamat ? wordsOf(q.alamat) : []) parts.push({ alamat_tokens: word });
  if (parts.length === 0) return {};
  if (parts.length === 1) return parts[0]!;
  return { $and: parts };
}

/** GET /api/pelanggan/: a page newest first and the total, on the indexes of the projector. */
export async function listPelanggan(readStore: ReadStore, q: PelangganFilter & { skip: number; limit: number }): Promise<{ items: PelangganDoc[]; total: number }> {
  const col = readStore.collection<PelangganDoc>(BILLING_PELANGGAN);
  const filter = pelangganFilter(q);
  return pageWithTotal(col, filter, { sort: PELANGGAN_SORT, skip: q.skip, limit: q.limit });
}

/**
 * The pelanggan of an export, page by page (bounded memory: one page at a time, whatever the
 * total). Without a text filter the pages are read by keyset (`id` below the last one seen) on
 * the same indexes as the list; with one, the matching ids (only the ids) are read once, in
 * order, and the documents fetched page by page.
 */
export async function* pelangganPages(
  readStore: ReadStore,
  q: PelangganFilter & { skip: number; limit: number },
  pageSize = 500,
): AsyncGenerator<PelangganDoc[]> {
  const col = readStore.collection<PelangganDoc>(BILLING_PELANGGAN);
  const filter = pelangganFilter(q);
  let left = q.limit;
  if (q.search || q.alamat) {
    const ids = (await col.find(filter, { sort: PELANGGAN_SORT, skip: q.skip, limit: q.limit, projection: { id: 1 } })).map((d) => d._id);
    for (let i = 0; i < ids.length; i += pageSize) {
      const chunk = ids.slice(i, i + pageSize);
      const docs = await col.find({ _id: { $in: chunk } });
      const byId = new Map(docs.map((d) => [d._id, d]));
      yield chunk.map((id) => byId.get(id)).filter((d): d is PelangganDoc => d !== undefined);
    }
    return;
  }
  let last: number | null = null;
  let skip = q.skip;
  while (left > 0) {
    const pageFilter: Filter = last === null ? filter : { ...filter, id: { $lt: last } };
    const page = await col.find(pageFilter, { sort: PELANGGAN_SORT, skip, limit: Math.min(pageSize, left) });
    if (page.length === 0) return;
    skip = 0;
    left -= page.length;
    last = page[page.length - 1]!.id;
    yield page;
  }
}

export function getPelanggan(readStore: ReadStore, pelangganId: number): Promise<PelangganDoc | null> {
  return readStore.collection<PelangganDoc>(BILLING_PELANGGAN).findOne({ id: pelangganId });
}

export function getPelangganByCustomerId(readStore: ReadStore, customerId: string): Promise<PelangganDoc | null> {
  return readStore.collection<PelangganDoc>(BILLING_PELANGGAN).findOne({ _id: customerId });
}

export function getPelangganMany(readStore: ReadStore, customerIds: readonly string[]): Promise<PelangganDoc[]> {
  return customerIds.length
    ? readStore.collection<PelangganDoc>(BILLING_PELANGGAN).find({ _id: { $in: [...new Set(customerIds)] } }, { projection: { id: 1, nama: 1 } })
    : Promise.resolve([]);
}

/** A closed customer (for auditors): only its ids and when it was closed. */
export function getClosedPelanggan(readStore: ReadStore, pelangganId: number): Promise<ClosedPelangganDoc | null> {
  return readStore.collection<ClosedPelangganDoc>(BILLING_PELANGGAN_CLOSED).findOne({ id: pelangganId });
}

/** GET /api/dashboard/loyalitas-users-by-segment. */
export async function listBySegment(readStore: ReadStore, q: { segmen?: Segment; skip: number; limit: number }): Promise<{ items: PelangganDoc[]; total: number }> {
  const col = readStore.collection<PelangganDoc>(BILLING_PELANGGAN);
  const filter: Filter = q.segmen ? { segmen: q.segmen } : {};
  return pageWithTotal(col, filter, { sort: PELANGGAN_SORT, skip: q.skip, limit: q.limit });
}

export function countPelanggan(readStore: ReadStore, filter: Filter = {}): Promise<number> {
  return readStore.collection<PelangganDoc>(BILLING_PELANGGAN).countDocuments(filter);
}

export async function listLangganan(
  readStore: ReadStore,
  q: { pelangganId?: number; status?: string; skip: number; limit: number },
): Promise<{ items: LanggananDoc[]; total: number }> {
  const col = readStore.collection<LanggananDoc>(BILLING_LANGGANAN);
  const filter: Filter = {};
  if (q.pelangganId !== undefined) filter.pelanggan_id = q.pelangganId;
  if (q.status !== undefined) filter.status = q.status;
  return pageWithTotal(col, filter, { sort: { id: -1 }, skip: q.skip, limit: q.limit });
}

export function getLangganan(readStore: ReadStore, id: number): Promise<LanggananDoc | null> {
  return readStore.collection<LanggananDoc>(BILLING_LANGGANAN).findOne({ _id: String(id) });
}

/** The customer's subscriptions that are not terminated (at most one, by a reservation; 004 may provision one pending). */
export function currentLangganan(readStore: ReadStore, customerId: string): Promise<LanggananDoc[]> {
  return readStore.collection<LanggananDoc>(BILLING_LANGGANAN).find({ customer_id: customerId, status: { $in: ['active', 'suspended', 'pending'] } });
}

/** Every subscription a customer ever had (for its billing history). */
export function langgananOfPelanggan(readStore: ReadStore, pelangganId: number): Promise<LanggananDoc[]> {
  return readStore.collection<LanggananDoc>(BILLING_LANGGANAN).find({ pelanggan_id: pelangganId }, { sort: { id: -1 } });
}

/** Active subscriptions after `afterId`, in id order (the monthly invoice job pages through them). */
export function activeLanggananPage(readStore: ReadStore, afterId: number | null, limit: number): Promise<LanggananDoc[]> {
  return readStore
    .collection<LanggananDoc>(BILLING_LANGGANAN)
    .find({ status: 'active', ...(afterId !== null ? { id: { $lt: afterId } } : {}) }, { sort: { id: -1 }, limit });
}

/** Suspended subscriptions (the reactivation sweep). */
export function suspendedLangganan(readStore: ReadStore, customerIds?: readonly string[]): Promise<LanggananDoc[]> {
  const filter: Filter = customerIds ? { customer_id: { $in: [...customerIds] }, status: 'suspended' } : { status: 'suspended' };
  return readStore.collection<LanggananDoc>(BILLING_LANGGANAN).find(filter, { sort: { id: -1 } });
}

export function activeLanggananOf(readStore: ReadStore, customerIds: readonly string[]): Promise<LanggananDoc[]> {
  return customerIds.length
    ? readStore.collection<LanggananDoc>(BILLING_LANGGANAN).find({ customer_id: { $in: [...customerIds] }, status: 'active' })
    : Promise.resolve([]);
}

export function getDataTeknisOfPelanggan(readStore: ReadStore, pelangganId: number): Promise<DataTeknisDoc | null> {
  return readStore.collection<DataTeknisDoc>(BILLING_DATA_TEKNIS).findOne({ pelanggan_id: pelangganId });
}

export function getDataTeknis(readStore: ReadStore, id: number): Promise<DataTeknisDoc | null> {
  return readStore.collection<DataTeknisDoc>(BILLING_DATA_TEKNIS).findOne({ id });
}

/**
 * What the RouterOS sync needs to provision a customer's PPPoE secret: the technical data
 * (user name, sealed password, server, address), the package (with its PPPoE profile) and the
 * subscription status (suspended → a disabled secret). Null when the customer has no technical
 * data (or is closed).
 */
export async function pppoeProvisioning(
  readStore: ReadStore,
  pelangganId: number,
): Promise<{ teknis: DataTeknisDoc; pelanggan: PelangganDoc | null } | null> {
  const teknis = await getDataTeknisOfPelanggan(readStore, pelangganId);
  if (!teknis) return null;
  return { teknis, pelanggan: await getPelanggan(readStore, pelangganId) };
}
