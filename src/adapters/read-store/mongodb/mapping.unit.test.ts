import { MongoBulkWriteError, MongoNetworkError, MongoServerError, MongoServerSelectionError, MongoWriteConcernError, type BulkWriteResult, type WriteError } from 'mongodb';
import { ConfigError, loadConfig } from '../../../config';
import { DuplicateKeyError } from '../../../ports/read-store';
import {
  checkCollectionName,
  dbNameFromUrl,
  defaultIndexName,
  duplicateKeyOf,
  filterPinsId,
  isDuplicateKeyError,
  isNamespaceNotFound,
  mongoClientOptions,
  mongoSettingsFromConfig,
  parseDupKeyMessage,
  parseWriteConcernW,
  resolveDbName,
  serverTimeLimit,
  toFindOptions,
  toIndexDescriptions,
  toReadStoreError,
  toUpdateResult,
  unconfirmedWriteReason,
  withGeneratedUpsertId,
  withId,
} from './mapping';

describe('MongoDB read store mappings', () => {
  describe('database name', () => {
    it.each([
      ['mongodb://localhost:27017/ops', 'ops'],
      ['mongodb://localhost:27017/ops?replicaSet=rs0', 'ops'],
      ['mongodb://u:p%40ss@h1:27017,h2:27017,h3:27017/isp_prod?replicaSet=rs0&authSource=admin', 'isp_prod'],
      ['mongodb+srv://cluster0.example.net/reports?retryWrites=true', 'reports'],
      ['mongodb://localhost:27017/', undefined],
      ['mongodb://localhost:27017', undefined],
      ['mongodb://localhost:27017/?directConnection=true', undefined],
    ])('reads the path of %s', (url, expected) => {
      expect(dbNameFromUrl(url)).toBe(expected);
    });

    it('prefers MONGODB_DB, then the URL path, then isp_ops', () => {
      expect(resolveDbName('mongodb://h/fromurl', 'explicit')).toBe('explicit');
      expect(resolveDbName('mongodb://h/fromurl', undefined)).toBe('fromurl');
      expect(resolveDbName('mongodb://h/fromurl', '  ')).toBe('fromurl');
      expect(resolveDbName('mongodb://h:27017')).toBe('isp_ops');
    });

    it('refuses names MongoDB refuses', () => {
      expect(() => resolveDbName('mongodb://h/a.b')).toThrow(/Invalid MongoDB database name/);
      expect(() => resolveDbName('mongodb://h', 'with space')).toThrow(/Invalid MongoDB database name/);
      expect(() => resolveDbName('mongodb://h', 'x'.repeat(64))).toThrow(/Invalid MongoDB database name/);
    });
  });

  describe('write concern and driver options', () => {
    it('parses MONGODB_WRITE_CONCERN', () => {
      expect(parseWriteConcernW(undefined)).toBe('majority');
      expect(parseWriteConcernW('majority')).toBe('majority');
      expect(parseWriteConcernW(' 1 ')).toBe(1);
      expect(parseWriteConcernW('3')).toBe(3);
      expect(() => parseWriteConcernW('0')).toThrow(/majority/);
      expect(() => parseWriteConcernW('all')).toThrow(/majority/);
    });

    it('defaults to majority with journal, from the configuration', () => {
      const settings = mongoSettingsFromConfig({ MONGODB_URL: 'mongodb://db:27017/?replicaSet=rs0' });
      expect(settings).toEqual({
        url: 'mongodb://db:27017/?replicaSet=rs0',
        dbName: 'isp_ops',
        writeConcern: { w: 'majority', journal: true },
        appName: 'isp-ops',
      });
      const custom = mongoSettingsFromConfig({ MONGODB_URL: 'mongodb://db/x', MONGODB_DB: 'y', MONGODB_WRITE_CONCERN: 1, MONGODB_JOURNAL: false });
      expect(custom.dbName).toBe('y');
      expect(custom.writeConcern).toEqual({ w: 1, journal: false });
    });

    it('takes the settings from the validated configuration (MONGODB_DB, MONGODB_WRITE_CONCERN, MONGODB_JOURNAL)', () => {
      const config = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', MONGODB_URL: 'mongodb://db:27017/fromurl', ...env });
      const defaults = config({});
      expect(mongoSettingsFromConfig({ ...defaults, MONGODB_URL: defaults.MONGODB_URL! })).toMatchObject({
        dbName: 'fromurl',
        writeConcern: { w: 'majority', journal: true },
      });
      const custom = config({ MONGODB_DB: 'isp_reports', MONGODB_WRITE_CONCERN: '2', MONGODB_JOURNAL: 'false' });
      expect(mongoSettingsFromConfig({ ...custom, MONGODB_URL: custom.MONGODB_URL! })).toMatchObject({
        dbName: 'isp_reports',
        writeConcern: { w: 2, journal: false },
      });
      expect(config({ MONGODB_WRITE_CONCERN: '' }).MONGODB_WRITE_CONCERN).toBe('majority');
      expect(config({}).MONGODB_GRIDFS_BUCKET).toBe('uploads');
      const bads: Record<string, string>[] = [{ MONGODB_WRITE_CONCERN: '0' }, { MONGODB_WRITE_CONCERN: 'all' }, { MONGODB_DB: 'a.b' }, { MONGODB_JOURNAL: 'yes' }];
      for (const bad of bads) {
        expect(() => config(bad)).toThrow(ConfigError);
      }
    });

    it('validates the lease timings and the proxy setting', () => {
      const config = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env });
      expect(config({})).toMatchObject({ PROJECTION_LEASE_TTL_MS: 15_000, PROJECTION_LEASE_RENEW_MS: 5_000, PROJECTION_STANDBY_POLL_MS: 2_000, TRUST_PROXY: false });
      expect(() => config({ PROJECTION_LEASE_TTL_MS: '6000', PROJECTION_LEASE_RENEW_MS: '3000' })).toThrow(/at most a third/);
      expect(config({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
      expect(config({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
      expect(config({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY).toBe('loopback, 10.0.0.0/8');
      expect(() => config({ TRUST_PROXY: 'not a list!' })).toThrow(ConfigError);
      expect(config({})).toMatchObject({ LOGIN_RATE_LIMIT_PER_EMAIL: 10, LOGIN_RATE_LIMIT_PER_IP: 100, LOGIN_RATE_LIMIT_WINDOW_SECONDS: 900 });
    });

    it('drops undefined fields and sets the write concern on the client', () => {
      expect(mongoClientOptions({ writeConcern: { w: 'majority', journal: true }, appName: 'isp-ops' })).toEqual({
        ignoreUndefined: true,
        writeConcern: { w: 'majority', journal: true },
        appName: 'isp-ops',
      });
      expect(mongoClientOptions({ writeConcern: { w: 2, journal: false } })).toEqual({
        ignoreUndefined: true,
        writeConcern: { w: 2, journal: false },
      });
    });
  });

  describe('indexes', () => {
    it('names indexes as MongoDB does by default, so creating them again is a no-op', () => {
      expect(defaultIndexName({ status: 1, created_at: -1 })).toBe('status_1_created_at_-1');
      expect(toIndexDescriptions([{ keys: { status: 1, created_at: -1 } }, { keys: { email: 1 }, unique: true }, { keys: { a: 1 }, name: 'custom' }])).toEqual([
        { key: { status: 1, created_at: -1 }, name: 'status_1_created_at_-1' },
        { key: { email: 1 }, name: 'email_1', unique: true },
        { key: { a: 1 }, name: 'custom' },
      ]);
    });

    it('keeps the field order of compound keys', () => {
      const [d] = toIndexDescriptions([{ keys: { b: 1, a: -1, c: 1 } }]);
      expect(Object.keys(d!.key as Record<string, number>)).toEqual(['b', 'a', 'c']);
    });

    it('refuses empty keys and bad directions', () => {
      expect(() => toIndexDescriptions([{ keys: {} }])).toThrow(/at least one field/);
      expect(() => toIndexDescriptions([{ keys: { a: 2 as 1 } }])).toThrow(/1 or -1/);
    });
  });

  describe('find options and results', () => {
    it('passes sort, skip, limit and projection, leaving out empty ones', () => {
      expect(toFindOptions({ sort: { a: 1, b: -1 }, skip: 5, limit: 10, projection: { a: 1 } })).toEqual({
        sort: { a: 1, b: -1 },
        skip: 5,
        limit: 10,
        projection: { a: 1 },
      });
      expect(toFindOptions({ sort: {}, skip: 0, limit: 0, projection: {} })).toEqual({});
    });

    it('maps update results (upsertedId as a string or null)', () => {
      expect(toUpdateResult({ matchedCount: 1, modifiedCount: 0, upsertedId: null })).toEqual({ matchedCount: 1, modifiedCount: 0, upsertedId: null });
      expect(toUpdateResult({ matchedCount: 0, modifiedCount: 0, upsertedId: 'u1' })).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedId: 'u1' });
      expect(toUpdateResult({ matchedCount: 2, modifiedCount: 2 })).toEqual({ matchedCount: 2, modifiedCount: 2, upsertedId: null });
    });
  });

  describe('generated string ids', () => {
    const gen = () => 'generated';

    it('knows when an upsert filter pins _id', () => {
      expect(filterPinsId({ _id: 'a' })).toBe(true);
      expect(filterPinsId({ _id: { $eq: 'a' }, n: 1 })).toBe(true);
      expect(filterPinsId({ $and: [{ x: 1 }, { _id: 'a' }] })).toBe(true);
      expect(filterPinsId({ _id: 'a', $or: [{ v: { $lt: 3 } }, { v: { $exists: false } }] })).toBe(true);
      expect(filterPinsId({ _id: { $in: ['a', 'b'] } })).toBe(false);
      expect(filterPinsId({ email: 'a@x' })).toBe(false);
      expect(filterPinsId({ $or: [{ _id: 'a' }] })).toBe(false);
    });

    it('adds a string _id on insert to upserts that do not pin one', () => {
      expect(withGeneratedUpsertId({ email: 'a@x' }, { $set: { n: 1 } }, gen)).toEqual({ $set: { n: 1 }, $setOnInsert: { _id: 'generated' } });
      expect(withGeneratedUpsertId({ email: 'a@x' }, { $set: { n: 1 }, $setOnInsert: { created: 1 } }, gen)).toEqual({
        $set: { n: 1 },
        $setOnInsert: { created: 1, _id: 'generated' },
      });
      const pinned = { $inc: { n: 1 } };
      expect(withGeneratedUpsertId({ _id: 'a' }, pinned, gen)).toBe(pinned);
      const own = { $setOnInsert: { _id: 'mine' } };
      expect(withGeneratedUpsertId({ email: 'x' }, own, gen)).toBe(own);
    });

    it('gives documents inserted without _id a string one, without mutating the input', () => {
      const doc = { name: 'x' };
      expect(withId(doc, gen)).toEqual({ _id: 'generated', name: 'x' });
      expect(doc).toEqual({ name: 'x' });
      const withOwn = { _id: 'a', n: 1 };
      const copy = withId(withOwn, gen);
      expect(copy).toEqual(withOwn);
      expect(copy).not.toBe(withOwn);
    });
  });

  describe('bounded writes', () => {
    it('gives the server a fifth less time than the driver waits', () => {
      expect(serverTimeLimit(1500)).toBe(1200);
      expect(serverTimeLimit(1)).toBe(1);
    });

    it('recognises the errors after which a write may or may not have been applied', () => {
      const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      expect(unconfirmedWriteReason(timeout)).toMatch(/timeout/);
      expect(unconfirmedWriteReason(new MongoServerSelectionError('Server selection timed out after 30000 ms', {} as never))).not.toBeNull();
      expect(unconfirmedWriteReason(new MongoNetworkError('connection reset'))).not.toBeNull();
      expect(unconfirmedWriteReason(new MongoServerError({ code: 10107, errmsg: 'not primary' }))).toBe('not primary');
      expect(unconfirmedWriteReason(new MongoServerError({ code: 50, errmsg: 'operation exceeded time limit' }))).not.toBeNull();
      expect(unconfirmedWriteReason(new MongoServerError({ code: 11602, errmsg: 'interrupted' }))).not.toBeNull();
      expect(unconfirmedWriteReason(new MongoWriteConcernError({ writeConcernError: { code: 64, errmsg: 'waiting for replication timed out', errInfo: { wtimeout: true } } } as never))).not.toBeNull();
      // Refusals are not: the write was not applied, and retrying changes nothing.
      expect(unconfirmedWriteReason(new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key error' }))).toBeNull();
      expect(unconfirmedWriteReason(new MongoServerError({ code: 2, errmsg: 'bad update' }))).toBeNull();
      expect(unconfirmedWriteReason(new Error('anything else'))).toBeNull();
      expect(unconfirmedWriteReason(undefined)).toBeNull();
    });
  });

  describe('duplicate key errors', () => {
    const single = new MongoServerError({
      message: 'E11000 duplicate key error collection: isp.users index: email_1 dup key: { email: "a@x" }',
      code: 11000,
      keyPattern: { email: 1 },
      keyValue: { email: 'a@x' },
    });

    it('maps code 11000 to DuplicateKeyError with the key', () => {
      expect(isDuplicateKeyError(single)).toBe(true);
      const mapped = toReadStoreError(single, 'users');
      expect(mapped).toBeInstanceOf(DuplicateKeyError);
      expect((mapped as DuplicateKeyError).collection).toBe('users');
      expect((mapped as DuplicateKeyError).key).toEqual({ email: 'a@x' });
    });

    /** The driver's WriteError (a type-only export): the server's fields under `err`. */
    const writeError = (err: { index: number; code: number; errmsg: string; op: Record<string, unknown> }): WriteError =>
      ({ err: { ...err, errInfo: {} }, get code() { return err.code; }, get index() { return err.index; }, get errmsg() { return err.errmsg; } }) as unknown as WriteError;

    it('finds the key in an ordered insertMany failure (a bulk write error)', () => {
      const message = 'E11000 duplicate key error collection: isp.c index: _id_ dup key: { _id: "b" }';
      const bulk = new MongoBulkWriteError(
        { message, code: 11000, writeErrors: [writeError({ index: 1, code: 11000, errmsg: message, op: { _id: 'b' } })] },
        {} as BulkWriteResult,
      );
      expect(isDuplicateKeyError(bulk)).toBe(true);
      expect(duplicateKeyOf(bulk)).toEqual({ _id: 'b' });
      expect(toReadStoreError(bulk, 'c')).toEqual(new DuplicateKeyError('c', { _id: 'b' }));
      // Only the write error carries the code, and its message has no key: the failing document's _id.
      const nested = { message: 'bulk', writeErrors: [writeError({ index: 0, code: 11000, errmsg: 'no key here', op: { _id: 'z' } })] };
      expect(isDuplicateKeyError(nested)).toBe(true);
      expect(duplicateKeyOf(nested)).toEqual({ _id: 'z' });
    });

    it('parses the key out of server messages', () => {
      expect(parseDupKeyMessage('E11000 duplicate key error collection: db.c index: org_1_code_1 dup key: { org: "o1", code: "X" }')).toEqual({
        org: 'o1',
        code: 'X',
      });
      expect(parseDupKeyMessage('... dup key: { serial: null }')).toEqual({ serial: null });
      expect(parseDupKeyMessage('... dup key: { n: 42, ok: true }')).toEqual({ n: 42, ok: true });
      expect(parseDupKeyMessage('... dup key: { s: "with \\"quotes\\", commas" }')).toEqual({ s: 'with "quotes", commas' });
      expect(parseDupKeyMessage("... dup key: { ref: ObjectId('65a1b2c3d4e5f6a7b8c9d0e1'), n: 1 }")).toEqual({
        ref: "ObjectId('65a1b2c3d4e5f6a7b8c9d0e1')",
        n: 1,
      });
      expect(parseDupKeyMessage('... dup key: { : "legacy" }')).toEqual({ key0: 'legacy' });
      expect(parseDupKeyMessage('some other error')).toBeNull();
    });

    it('leaves other errors alone', () => {
      const other = new MongoServerError({ message: "Performing an update on the path '_id' would modify the immutable field '_id'", code: 66 });
      expect(isDuplicateKeyError(other)).toBe(false);
      expect(toReadStoreError(other, 'c')).toBe(other);
      const plain = new Error('boom');
      expect(toReadStoreError(plain, 'c')).toBe(plain);
      expect(isDuplicateKeyError('string')).toBe(false);
    });

    it('recognises NamespaceNotFound', () => {
      expect(isNamespaceNotFound(new MongoServerError({ message: 'source namespace does not exist', code: 26 }))).toBe(true);
      expect(isNamespaceNotFound(new MongoServerError({ message: 'ns not found' }))).toBe(true);
      expect(isNamespaceNotFound(new Error('other'))).toBe(false);
    });
  });

  it('applies the port collection name rule', () => {
    expect(() => checkCollectionName('tickets')).not.toThrow();
    expect(() => checkCollectionName('_projection_checkpoints')).not.toThrow();
    for (const bad of ['', 'a$b', 'a\0b', 'system.users']) expect(() => checkCollectionName(bad)).toThrow(TypeError);
  });
});
