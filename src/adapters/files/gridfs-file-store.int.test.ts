import { MongoClient, type Db } from 'mongodb';
import { describeWithDocker } from '../../../test/support/docker';
import { startMongoContainer, type MongoTestServer } from '../../../test/support/mongo-container';
import { mongoClientOptions, DEFAULT_WRITE_CONCERN } from '../read-store/mongodb/mapping';
import { fileStoreContract } from './file-store.contract';
import { createGridFsFileStore } from './gridfs-file-store';

/** The file store contract on GridFS in a real MongoDB 7; skipped with one printed line without Docker. */
describeWithDocker('GridFS file store (mongo:7 in Docker)', () => {
  jest.setTimeout(180_000);
  let server: MongoTestServer;
  let client: MongoClient;
  let db: Db;
  beforeAll(async () => {
    server = await startMongoContainer();
    client = new MongoClient(server.url, mongoClientOptions({ writeConcern: DEFAULT_WRITE_CONCERN }));
    await client.connect();
    db = client.db('gridfs_contract');
  });
  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  fileStoreContract('gridfs', async () => ({ store: createGridFsFileStore(db, { bucketName: 'uploads' }), teardown: async () => undefined }));

  it('keeps the metadata in the GridFS file document, with the caller id as _id, and no chunks of refused uploads', async () => {
    const files = await db.collection('uploads.files').find({}).toArray();
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      expect(typeof f._id).toBe('string');
      expect(f.metadata).toEqual({ contentType: expect.any(String), sha256: expect.stringMatching(/^[0-9a-f]{64}$/), createdAt: '2026-01-15T12:00:00.000Z' });
    }
    const orphans = await db.collection('uploads.chunks').distinct('files_id');
    expect(orphans.filter((id) => !files.some((f) => f._id === id))).toEqual([]);
  });
});
