import { MongoClient, type Db } from 'mongodb';
import { startFakeMongo, type FakeMongo } from '../../../test/support/mongo-wire-fake';
import { DEFAULT_WRITE_CONCERN, mongoClientOptions } from '../read-store/mongodb/mapping';
import { fileStoreContract } from './file-store.contract';
import { createGridFsFileStore } from './gridfs-file-store';

/**
 * The file store contract on GridFS through the real driver (its upload and download streams)
 * against the wire-protocol fake (test/support/mongo-wire-fake.ts). The real server: see
 * gridfs-file-store.int.test.ts (Docker).
 */
describe('GridFS file store through the driver (wire-protocol fake)', () => {
  let fake: FakeMongo;
  let client: MongoClient;
  let db: Db;
  beforeAll(async () => {
    fake = await startFakeMongo();
    client = new MongoClient(fake.url, mongoClientOptions({ writeConcern: DEFAULT_WRITE_CONCERN }));
    await client.connect();
    db = client.db('files');
  });
  afterAll(async () => {
    await client.close();
    await fake.close();
  });

  fileStoreContract('gridfs driver, fake server', async () => ({
    store: createGridFsFileStore(db, { bucketName: 'uploads' }),
    teardown: async () => undefined,
  }));

  it('keeps the metadata in the GridFS file documents under the caller ids, and no chunks of refused or deleted files', async () => {
    const files = await fake.store('files').collection('uploads.files').find({});
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      expect(f._id).toMatch(/^[0-9a-f-]{36}$/);
      expect(f.metadata).toEqual({ contentType: 'application/pdf', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), createdAt: '2026-01-15T12:00:00.000Z' });
    }
    const owners = await fake.store('files').collection('uploads.chunks').distinct('files_id');
    expect(owners.filter((id) => !files.some((f) => f._id === id))).toEqual([]);
  });

  it('refuses a second file under a taken id and leaves the first one intact', async () => {
    const store = createGridFsFileStore(db, { bucketName: 'uploads' });
    const { Readable } = await import('node:stream');
    const input = (text: string) => ({
      id: 'aaaaaaaa-0000-4000-8000-000000000001',
      filename: 'a.txt',
      contentType: 'text/plain',
      content: Readable.from([Buffer.from(text)]),
      maxBytes: 100,
      createdAt: '2026-01-15T12:00:00.000Z',
    });
    await store.save(input('first'));
    await expect(store.save(input('second'))).rejects.toThrow(/already exists/);
    const opened = await store.open('aaaaaaaa-0000-4000-8000-000000000001');
    const parts: Buffer[] = [];
    for await (const c of opened!.content) parts.push(c as Buffer);
    expect(Buffer.concat(parts).toString()).toBe('first');
  });
});
