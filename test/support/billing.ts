import { startTestApp, type TestApp, type TestUser } from './test-app';

/**
 * Fixtures of the document 002 API tests: the whole product (in-memory adapters, manual clock,
 * simulated payment gateway) with a known Xendit callback token, a brand with a package, and
 * pelanggan created through HTTP.
 */
export const CALLBACK_TOKEN = 'test-callback-token-0123456789';

import { auth } from './test-app';
export { auth };

export function startBillingApp(env: Record<string, string> = {}, options: Parameters<typeof startTestApp>[1] = {}): Promise<TestApp> {
  return startTestApp({ XENDIT_CALLBACK_TOKEN: CALLBACK_TOKEN, BILLING_TIME_ZONE: 'Asia/Jakarta', ...env }, options);
}

let ktp = 0;
/** A distinct, valid KTP number per call. */
export const nextKtp = (): string => `3171${String(++ktp + Math.floor(Math.random() * 1e6) * 1000).padStart(12, '0')}`.slice(0, 16);

export interface Catalog {
  brand: string;
  paketId: number;
  harga: number;
}

/** A brand (JAKINET, simulated gateway) and its 50 Mbps package at Rp 300.000, by an admin. */
export async function catalog(t: TestApp, admin: TestUser, brand = 'JAKINET'): Promise<Catalog> {
  const b = await t.http.post('/api/brands/').set(auth(admin)).send({ id_brand: brand, nama_brand: `Brand ${brand}` });
  if (b.status !== 201) throw new Error(`brand fixture: ${b.status} ${JSON.stringify(b.body)}`);
  const p = await t.http.post('/api/paket_layanan/').set(auth(admin)).send({ id_brand: brand, nama_paket: 'Internet 50Mbps', kecepatan: 50, harga: 300_000 });
  if (p.status !== 201) throw new Error(`paket fixture: ${p.status} ${JSON.stringify(p.body)}`);
  return { brand, paketId: p.body.id as number, harga: 300_000 };
}

let n = 0;
export function pelangganBody(over: Record<string, unknown> = {}) {
  n++;
  return {
    nama: `Pelanggan Uji ${n}`,
    email: `pelanggan.uji.${n}.${Math.floor(Math.random() * 1e9)}@example.com`,
    no_telp: `0812${String(n).padStart(8, '0')}`,
    no_ktp: nextKtp(),
    alamat: `Jl. Contoh No. ${n}`,
    id_brand: 'JAKINET',
    tanggal_instalasi: '2026-01-10',
    ...over,
  };
}

/** POST /api/pelanggan/ → the created pelanggan's body. */
export async function createPelanggan(t: TestApp, by: TestUser, over: Record<string, unknown> = {}): Promise<{ id: number; nama: string; [k: string]: unknown }> {
  const res = await t.http.post('/api/pelanggan/').set(auth(by)).send(pelangganBody(over));
  if (res.status !== 201) throw new Error(`pelanggan fixture: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A subscription of the pelanggan to the package (due on the 10th). */
export async function subscribe(t: TestApp, by: TestUser, pelangganId: number, paketId: number, dueDate = '2026-01-10'): Promise<number> {
  const res = await t.http.post('/api/langganan/').set(auth(by)).send({ pelanggan_id: pelangganId, paket_layanan_id: paketId, tgl_jatuh_tempo: dueDate, metode_pembayaran: 'Manual' });
  if (res.status !== 201) throw new Error(`langganan fixture: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as number;
}

/** POST /api/invoices/ for one month of the package. */
export async function createInvoice(t: TestApp, by: TestUser, pelangganId: number, periode = '2026-01', over: Record<string, unknown> = {}) {
  const res = await t.http
    .post('/api/invoices/')
    .set(auth(by))
    .send({ pelanggan_id: pelangganId, periode, tanggal_jatuh_tempo: `${periode}-20`, items: [{ deskripsi: 'Internet 50Mbps', jumlah: 1, harga: 300_000 }], ...over });
  if (res.status !== 201) throw new Error(`invoice fixture: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: number; nomor_invoice: string; xendit_external_id: string; status_invoice: string; [k: string]: unknown };
}

/** A Xendit-shaped callback with the configured token. */
export function xenditCallback(t: TestApp, body: Record<string, unknown>, token = CALLBACK_TOKEN) {
  return t.http.post('/api/invoices/xendit-callback').set('x-callback-token', token).send(body);
}
