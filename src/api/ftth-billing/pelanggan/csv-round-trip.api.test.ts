import { parse } from 'csv-parse/sync';
import { auth, catalog, createPelanggan, startBillingApp, subscribe } from '../../../../test/support/billing';
import type { TestApp, TestUser } from '../../../../test/support/test-app';

const HEADER = 'Nama,No KTP,Email,No Telepon,Layanan,Alamat,Tanggal Instalasi (YYYY-MM-DD),ID Brand';

/** What identifies a customer across stores: every field of the template. */
const shape = (p: Record<string, unknown>) => ({
  nama: p.nama,
  no_ktp: p.no_ktp,
  email: p.email,
  no_telp: p.no_telp,
  layanan: p.layanan,
  alamat: p.alamat,
  tanggal_instalasi: p.tanggal_instalasi,
  id_brand: p.id_brand,
});

async function allPelanggan(t: TestApp, u: TestUser) {
  const res = await t.http.get('/api/pelanggan/?limit=100').set(auth(u));
  return (res.body.data as Record<string, unknown>[]).map(shape).sort((a, b) => String(a.no_ktp).localeCompare(String(b.no_ktp)));
}

/**
 * CSV export and import (document 002): the export streams the template's columns with the
 * list's filters; importing it into a fresh store gives the same customers; invalid rows are
 * reported with the file's own line numbers; the same file sent again creates nothing.
 */
describe('CSV export and import of pelanggan (document 002)', () => {
  let source: TestApp;
  let target: TestApp | null = null;
  let admin: TestUser;

  beforeAll(async () => {
    source = await startBillingApp();
    admin = await source.user('super_admin');
    const { paketId } = await catalog(source, admin);
    await source.http.post('/api/brands/').set(auth(admin)).send({ id_brand: 'OTHER', nama_brand: 'Other' });
    const tricky = await createPelanggan(source, admin, { nama: 'Siti "Ani", Aminah', alamat: 'Jl. Baris\nDua, No. 5', tanggal_instalasi: null });
    await subscribe(source, admin, tricky.id, paketId);
    for (let i = 0; i < 5; i++) await createPelanggan(source, admin, { nama: `Ekspor ${i}`, id_brand: i % 2 ? 'OTHER' : 'JAKINET' });
  });
  afterAll(async () => {
    await source.stop();
    await target?.stop();
  });

  it('exports every pelanggan as the import template, and the same filters as the list', async () => {
    const res = await source.http.get('/api/pelanggan/export/csv').set(auth(admin));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="pelanggan.csv"');
    expect(res.text.split('\r\n')[0]).toBe(HEADER);
    const rows = parse(res.text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(6);
    expect(rows.find((r) => r.Nama === 'Siti "Ani", Aminah')).toMatchObject({ Layanan: 'Internet 50Mbps', Alamat: 'Jl. Baris\nDua, No. 5', 'Tanggal Instalasi (YYYY-MM-DD)': '' });
    const other = parse((await source.http.get('/api/pelanggan/export/csv?id_brand=OTHER').set(auth(admin))).text, { columns: true }) as Record<string, string>[];
    expect(other.map((r) => r['ID Brand'])).toEqual(['OTHER', 'OTHER']);
    const searched = parse((await source.http.get('/api/pelanggan/export/csv?search=ekspor&limit=2&skip=1').set(auth(admin))).text, { columns: true }) as Record<string, string>[];
    expect(searched.map((r) => r.Nama)).toEqual(['Ekspor 3', 'Ekspor 2']);
    expect((await source.http.get('/api/pelanggan/export/csv?limit=50001').set(auth(admin))).status).toBe(422);
  });

  it('imports the export into a fresh store: the same customers, with their package', async () => {
    const csv = (await source.http.get('/api/pelanggan/export/csv').set(auth(admin))).text;
    target = await startBillingApp();
    const targetAdmin = await target.user('super_admin');
    await catalog(target, targetAdmin);
    await target.http.post('/api/brands/').set(auth(targetAdmin)).send({ id_brand: 'OTHER', nama_brand: 'Other' });
    const res = await target.http.post('/api/pelanggan/import').set(auth(targetAdmin)).attach('file', Buffer.from(csv), 'pelanggan.csv');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total_rows: 6, created: 6, already_imported: 0, errors: [] });
    expect(res.body.pelanggan_ids).toHaveLength(6);
    expect(await allPelanggan(target, targetAdmin)).toEqual(await allPelanggan(source, admin));

    // The same file again: nothing created, the same customers.
    const again = await target.http.post('/api/pelanggan/import').set(auth(targetAdmin)).attach('file', Buffer.from(csv), 'again.csv');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ total_rows: 6, created: 0, already_imported: 6, errors: [], pelanggan_ids: res.body.pelanggan_ids });
    expect((await target.http.get('/api/pelanggan/').set(auth(targetAdmin))).body.total_count).toBe(6);
  });

  it('creates the valid rows and reports the invalid ones by the file’s line (header = 1)', async () => {
    const t = await startBillingApp();
    try {
      const a = await t.user('super_admin');
      await catalog(t, a);
      const lines = [
        HEADER,
        'Baik Satu,3171000000000101,baik1@example.com,081200000101,Internet 50Mbps,"Jl. Satu",2024-01-15,JAKINET',
        'Ktp Salah,12345,salah@example.com,081200000102,,Jl. Dua,,JAKINET',
        '',
        '"Baris, Panjang",3171000000000103,baik3@example.com,081200000103,,"Jl. Tiga',
        'lanjutan",,JAKINET',
        'Brand Salah,3171000000000104,b4@example.com,081200000104,,Jl. Empat,,NOPE',
        'Paket Salah,3171000000000105,b5@example.com,081200000105,Internet 1Gbps,Jl. Lima,,JAKINET',
        'Dobel Ktp,3171000000000101,b6@example.com,081200000106,,Jl. Enam,,JAKINET',
        'Email Salah,3171000000000107,bukan-email,081200000107,,Jl. Tujuh,2024-02-30,JAKINET',
      ];
      const res = await t.http.post('/api/pelanggan/import').set(auth(a)).attach('file', Buffer.from(lines.join('\n')), 'p.csv');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total_rows: 7, created: 2, already_imported: 0 });
      expect(res.body.errors).toEqual([
        { line: 3, field: 'no_ktp', message: 'The no ktp must be 16 digits.' },
        { line: 7, field: 'id_brand', message: 'The id brand NOPE names no brand.' },
        { line: 8, field: 'layanan', message: 'The layanan Internet 1Gbps is not a package of JAKINET.' },
        { line: 9, field: 'no_ktp', message: 'The no_ktp 3171000000000101 is already registered.' },
        { line: 10, field: 'email', message: 'Email format is invalid' },
        { line: 10, field: 'tanggal_instalasi', message: 'must be a date (YYYY-MM-DD)' },
      ]);
      const list = (await t.http.get('/api/pelanggan/').set(auth(a))).body.data;
      expect(list.map((p: { nama: string }) => p.nama).sort()).toEqual(['Baik Satu', 'Baris, Panjang']);
      expect(list.find((p: { nama: string }) => p.nama === 'Baik Satu').layanan).toBe('Internet 50Mbps');
    } finally {
      await t.stop();
    }
  });

  it('refuses what is not a CSV of the template: 422 naming the file', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32)]);
    const notCsv = await source.http.post('/api/pelanggan/import').set(auth(admin)).attach('file', png, 'x.csv');
    expect(notCsv.status).toBe(422);
    expect(notCsv.body.detail.errors[0].field).toBe('file');
    const wrongHeader = await source.http.post('/api/pelanggan/import').set(auth(admin)).attach('file', Buffer.from('Name,Phone\nA,1\n'), 'x.csv');
    expect(wrongHeader.status).toBe(422);
    expect(wrongHeader.body.detail.errors[0]).toEqual({ field: 'file', message: expect.stringContaining('missing: nama, no_ktp, email, no_telp, alamat, id_brand') });
    const none = await source.http.post('/api/pelanggan/import').set(auth(admin)).field('x', 'y');
    expect(none.status).toBe(422);
  });
});
