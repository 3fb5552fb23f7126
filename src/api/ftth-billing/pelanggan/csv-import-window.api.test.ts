import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '../../../adapters/event-store/sqlite';
import type { EventStore, ExpectedRevision, NewEvent } from '../../../ports/event-store';
import { auth, catalog, createPelanggan, startBillingApp } from '../../../../test/support/billing';
import type { TestApp, TestUser } from '../../../../test/support/test-app';
import { IMPORT_WINDOW } from './csv';

const HEADER = 'Nama,No KTP,Email,No Telepon,Layanan,Alamat,Tanggal Instalasi (YYYY-MM-DD),ID Brand';
const ROWS = 3 * IMPORT_WINDOW;
const ktp = (n: number) => `3171${String(900_000_000_000 + n)}`;

/** A row of the file (line n + 2, the header being line 1), valid unless changed. */
const row = (n: number, over: { ktp?: string; email?: string } = {}) =>
  `Impor ${n},${over.ktp ?? ktp(n)},${over.email ?? `impor${n}@example.com`},0812${String(n).padStart(8, '0')},Internet 50Mbps,Jl. Impor ${n},2024-01-15,JAKINET`;

/** The event store, counting the customer registrations appended and not yet committed (durable: a commit takes its time). */
function countingRegistrations(store: EventStore) {
  const seen = { pending: 0, most: 0 };
  const counted = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop !== 'appendToStream') return Reflect.get(target, prop, receiver);
      return async (stream: string, events: NewEvent[], options?: { expectedRevision?: ExpectedRevision }) => {
        if (!events.some((e) => e.type === 'CustomerRegistered')) return target.appendToStream(stream, events, options);
        seen.most = Math.max(seen.most, ++seen.pending);
        try {
          return await target.appendToStream(stream, events, options);
        } finally {
          seen.pending--;
        }
      };
    },
  });
  return { store: counted, seen };
}

/**
 * A large CSV import (document 002) registers its rows several at a time, so that one durable
 * commit serves many rows, and answers what a row-by-row import answers: the first row naming a
 * KTP or email wins and a later one is its duplicate, even when both are being registered at
 * the same moment; errors and ids come in line order; the same file again creates nothing.
 */
describe('CSV import of many rows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'isp-import-'));
  const { store, seen } = countingRegistrations(openSqliteEventStore({ filename: join(dir, 'events.db') }));
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await startBillingApp({}, { eventStore: store });
    admin = await t.user('super_admin');
    await catalog(t, admin);
  });
  afterAll(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers rows at the same time and reports them in the file’s order', async () => {
    // A customer holding an email that a row names: that row is refused, and the KTP it reserved
    // meanwhile is released for the row below it that names the same KTP.
    await createPelanggan(t, admin, { email: 'dipakai@example.com' });

    const lines = [HEADER];
    for (let n = 0; n < ROWS; n++) {
      // Each duplicate names a row a few lines before it, inside the same window of rows.
      if (n === 5) lines.push(row(n, { ktp: ktp(3) }));
      else if (n === 8) lines.push(row(n, { email: 'dipakai@example.com' }));
      else if (n === 10) lines.push(row(n, { ktp: ktp(8) }));
      else if (n === IMPORT_WINDOW + 1) lines.push(row(n, { email: `impor${IMPORT_WINDOW - 1}@EXAMPLE.com` }));
      else if (n === IMPORT_WINDOW + 2) lines.push(row(n, { ktp: '123' }));
      else lines.push(row(n));
    }
    const file = Buffer.from(lines.join('\n'));

    const res = await t.http.post('/api/pelanggan/import').set(auth(admin)).attach('file', file, 'pelanggan.csv');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total_rows: ROWS, created: ROWS - 4, already_imported: 0 });
    expect(res.body.errors).toEqual([
      { line: 7, field: 'no_ktp', message: `The no_ktp ${ktp(3)} is already registered.` },
      { line: 10, field: 'email', message: 'The email dipakai@example.com is already registered.' },
      { line: IMPORT_WINDOW + 3, field: 'email', message: `The email impor${IMPORT_WINDOW - 1}@example.com is already registered.` },
      { line: IMPORT_WINDOW + 4, field: 'no_ktp', message: 'The no ktp must be 16 digits.' },
    ]);
    expect(seen.most).toBeGreaterThan(1);
    expect(seen.most).toBeLessThanOrEqual(IMPORT_WINDOW);

    // The ids, in line order, are the customers of those lines.
    const ids: number[] = res.body.pelanggan_ids;
    expect(ids).toHaveLength(ROWS - 4);
    expect(new Set(ids).size).toBe(ids.length);
    const refused = [5, 8, IMPORT_WINDOW + 1, IMPORT_WINDOW + 2];
    const shown = await Promise.all(
      [0, 3, 4, 6, 10, ROWS - 1].map(async (n) => {
        const at = n - refused.filter((r) => r < n).length;
        const got = await t.http.get(`/api/pelanggan/${ids[at]}`).set(auth(admin));
        return [got.body.nama, got.body.no_ktp, got.body.harga_layanan];
      }),
    );
    expect(shown).toEqual([0, 3, 4, 6, 10, ROWS - 1].map((n) => [`Impor ${n}`, ktp(n === 10 ? 8 : n), expect.anything()]));
    expect((await t.http.get('/api/pelanggan/?limit=1').set(auth(admin))).body.total_count).toBe(ROWS - 4 + 1);
    expect((await t.http.get('/api/langganan/?limit=1').set(auth(admin))).body.total_count).toBe(ROWS - 4);

    const again = await t.http.post('/api/pelanggan/import').set(auth(admin)).attach('file', file, 'again.csv');
    expect(again.body).toMatchObject({ created: 0, already_imported: ROWS - 4, pelanggan_ids: ids });
  });
});
