import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { BSON, ObjectId, type Document } from 'mongodb';
import { createMemoryReadStore, type MemoryReadStore } from '../../src/adapters/read-store/memory/memory-read-store';
import { DuplicateKeyError, type Doc, type Filter, type IndexSpec, type Update } from '../../src/ports/read-store';

/**
 * A small stand-in for a MongoDB server that speaks the wire protocol (OP_QUERY for the first
 * handshake, OP_MSG after it) and keeps its data in the in-memory read store, so that the MongoDB
 * read store, the GridFS file store and everything built on them run through the real `mongodb`
 * driver over a real socket on machines without Docker.
 *
 * It is a TEST DOUBLE: query, update and aggregation semantics are the in-memory store's (which
 * passes the same contract suite), so it proves the adapters' use of the driver — command shapes,
 * driver options on the wire (write concern, dropped undefined fields), result and error mapping
 * (E11000 write errors with keyValue, bulk write errors, NamespaceNotFound), cursors, GridFS
 * streaming — not MongoDB's own behaviour. The real server is covered by the Docker-gated suites.
 *
 * Modelled: hello/isMaster, ping, buildInfo, endSessions, insert, update (operators, replacement,
 * upsert, multi), delete, find, aggregate, distinct, createIndexes, listIndexes, listCollections,
 * drop, dropDatabase, renameCollection (admin, dropTarget). Every cursor answers in its first
 * batch (id 0). ObjectIds become their hex strings on the way in. Received commands are recorded.
 *
 * With `replicaSet` it is the primary of a one-member replica set (what production and
 * docker-compose run), so the driver discovers it as such and uses retryable writes, and it
 * models what a replica set does to writes that the standalone default does not:
 * - retryable writes: a write carrying `lsid` and `txnNumber` is executed once; the same
 *   transaction number again is answered with the first reply (MongoDB's retryable-writes
 *   semantics), so a write whose reply was lost (`loseNextReply`) and then retried by the driver
 *   is applied once;
 * - an election (`stepDown(ms)`): for `ms` the member answers `hello` as a secondary and writes
 *   with NotWritablePrimary (10107, labelled RetryableWriteError, nothing written); the driver
 *   marks it unknown, and a retryable write waits in server selection (up to
 *   serverSelectionTimeoutMS, 30 s by default) for a primary before its one retry;
 * - replication lag (`replicationLag(ms)`): a write with `w: 'majority'` (or more than one
 *   member) is applied at once and acknowledged `ms` later; with a `wtimeout` or `maxTimeMS`
 *   below that, it is answered at that time with a writeConcernError (WriteConcernFailed 64 with
 *   errInfo.wtimeout, or MaxTimeMSExpired 50), applied all the same, as MongoDB does;
 * - a write on its way (`hold(match)`): the next matching command is kept, not executed, until
 *   the test releases it; then it is executed and answered (if its connection is still open), as
 *   a write delayed in the network or in a queue reaches the server late. `maxTimeMS` counts
 *   from execution, as on the server.
 * It does not model more than one member, read preferences, rollback, oplog, transactions,
 * change streams, or authentication.
 */

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;

export interface FakeMongoOptions {
  /** Be the primary of a one-member replica set of this name (default: a standalone). */
  replicaSet?: string;
}

export interface HeldCommand {
  /** Resolves with the command once one that matches has arrived (and is being kept). */
  arrived: Promise<Document>;
  /** Executes the kept command now and resolves with the reply the server produced. */
  release(): Promise<Document>;
}

/** What a command was sent over: its connection and the client's appName from the handshake. */
export interface CommandSource {
  connectionId: number;
  appName: string | undefined;
}

export interface FakeMongo {
  url: string;
  /** Commands received (their body, with the command name as first key), oldest first. */
  commands: Document[];
  /** Replies to write commands (insert, update, delete), with where the command came from, oldest first. */
  writes: Array<{ command: Document; reply: Document; from: CommandSource }>;
  /** The databases' stores, by name. */
  store(db: string): MemoryReadStore;
  /** Replica set only: an election; the member is a secondary for `ms`, then primary again. */
  stepDown(ms: number): void;
  /** Replica set only: `w: majority` writes are acknowledged `ms` after they were applied (0: at once). */
  replicationLag(ms: number): void;
  /** Keeps the next command that matches, unexecuted, until released. */
  hold(match: (command: Document, from: CommandSource) => boolean): HeldCommand;
  /** The next write that matches is executed, then its connection is closed before the reply. */
  loseNextReply(match: (command: Document, from: CommandSource) => boolean): void;
  close(): Promise<void>;
}

const WRITE_COMMANDS = new Set(['insert', 'update', 'delete']);

export async function startFakeMongo(options: FakeMongoOptions = {}): Promise<FakeMongo> {
  const dbs = new Map<string, MemoryReadStore>();
  const store = (db: string): MemoryReadStore => {
    let s = dbs.get(db);
    if (!s) {
      s = createMemoryReadStore();
      dbs.set(db, s);
    }
    return s;
  };
  const commands: Document[] = [];
  const writes: FakeMongo['writes'] = [];
  const sockets = new Set<Socket>();
  let requestIds = 1;
  let connectionIds = 1;
  const replicaSet = options.replicaSet;
  let secondaryUntil = 0;
  let electionCount = 1;
  let lagMs = 0;
  const holds: Array<{ match: (command: Document, from: CommandSource) => boolean; arrive: (c: Document) => void; released: Promise<void> }> = [];
  const replyLosses: Array<(command: Document, from: CommandSource) => boolean> = [];
  /** Retryable writes executed: `<lsid>:<txnNumber>` → the reply. */
  const executed = new Map<string, Document>();
  let me = '';
  const isSecondary = () => replicaSet !== undefined && Date.now() < secondaryUntil;

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const connectionId = connectionIds++;
    const from: CommandSource = { connectionId, appName: undefined };
    let pending = Buffer.alloc(0);
    let chain = Promise.resolve();
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.on('data', (data: Buffer) => {
      pending = Buffer.concat([pending, data]);
      while (pending.length >= 4) {
        const length = pending.readInt32LE(0);
        if (pending.length < length) break;
        const message = pending.subarray(0, length);
        pending = pending.subarray(length);
        // One connection's requests are answered in order.
        chain = chain.then(() => handle(message)).catch(() => {
          socket.destroy();
        });
      }
    });

    async function handle(message: Buffer): Promise<void> {
      const requestId = message.readInt32LE(4);
      const opCode = message.readInt32LE(12);
      if (opCode === OP_QUERY) {
        let at = 20;
        const nameEnd = message.indexOf(0, at);
        at = nameEnd + 1 + 8;
        const query = BSON.deserialize(message.subarray(at, at + message.readInt32LE(at)), { promoteBuffers: true });
        const body = Object.keys(query)[0] === '$query' ? (query.$query as Document) : query;
        const reply = await run({ ...body, $db: 'admin' });
        if (!socket.destroyed) socket.write(opReply(requestIds++, requestId, reply));
        return;
      }
      if (opCode !== OP_MSG) {
        socket.destroy();
        return;
      }
      const flags = message.readUInt32LE(16);
      const end = flags & 1 ? message.length - 4 : message.length;
      let at = 20;
      let body: Document = {};
      while (at < end) {
        const kind = message[at]!;
        at++;
        if (kind === 0) {
          const size = message.readInt32LE(at);
          body = { ...body, ...BSON.deserialize(message.subarray(at, at + size), { promoteBuffers: true }) };
          at += size;
        } else {
          const size = message.readInt32LE(at);
          const sectionEnd = at + size;
          const idEnd = message.indexOf(0, at + 4);
          const identifier = message.subarray(at + 4, idEnd).toString('utf8');
          const docs: Document[] = [];
          let p = idEnd + 1;
          while (p < sectionEnd) {
            const n = message.readInt32LE(p);
            docs.push(BSON.deserialize(message.subarray(p, p + n), { promoteBuffers: true }));
            p += n;
          }
          body[identifier] = docs;
          at = sectionEnd;
        }
      }
      const reply = await run(body);
      if (flags & 2) return; // moreToCome: no answer expected
      if (!socket.destroyed) socket.write(opMsg(requestIds++, requestId, reply));
    }

    async function run(raw: Document): Promise<Document> {
      const body = normalize(raw) as Document;
      const name = Object.keys(body)[0] ?? '';
      commands.push(body);
      const lower = name.toLowerCase();
      if ((lower === 'hello' || lower === 'ismaster') && from.appName === undefined) {
        const app = (body.client as { application?: { name?: unknown } } | undefined)?.application?.name;
        if (typeof app === 'string') from.appName = app;
      }
      const hold = holds.findIndex((h) => h.match(body, from));
      if (hold >= 0) {
        const [h] = holds.splice(hold, 1);
        h!.arrive(body);
        await h!.released;
      }
      try {
        if (!WRITE_COMMANDS.has(lower)) return await command(name, body, connectionId);
        const reply = await writeCommand(name, body);
        writes.push({ command: body, reply, from: { ...from } });
        const loss = replyLosses.findIndex((m) => m(body, from));
        if (loss >= 0) {
          replyLosses.splice(loss, 1);
          socket.destroy();
        }
        return reply;
      } catch (err) {
        return { ok: 0, code: 2, codeName: 'BadValue', errmsg: err instanceof Error ? err.message : String(err) };
      }
    }

    /** A write as a replica set member answers it: primary only, once per retryable write, acknowledged after replication. */
    async function writeCommand(name: string, body: Document): Promise<Document> {
      if (isSecondary()) {
        return { ok: 0, code: 10107, codeName: 'NotWritablePrimary', errmsg: 'not primary', errorLabels: ['RetryableWriteError'] };
      }
      const sessionId = sessionIdOf(body.lsid);
      const key = replicaSet !== undefined && sessionId !== undefined && body.txnNumber !== undefined ? `${sessionId}:${String(body.txnNumber)}` : undefined;
      const done = key !== undefined ? executed.get(key) : undefined;
      if (done) return done;
      const started = Date.now();
      const reply = await command(name, body, connectionId);
      if (key !== undefined) executed.set(key, reply);
      const wc = (body.writeConcern ?? {}) as { w?: unknown; wtimeout?: unknown };
      const majority = replicaSet !== undefined && (wc.w === 'majority' || (typeof wc.w === 'number' && wc.w > 1));
      if (!majority || lagMs <= 0) return reply;
      const wtimeout = typeof wc.wtimeout === 'number' && wc.wtimeout > 0 ? wc.wtimeout : Infinity;
      const maxTime = typeof body.maxTimeMS === 'number' && body.maxTimeMS > 0 ? body.maxTimeMS : Infinity;
      const limit = Math.min(wtimeout, maxTime);
      const waited = Date.now() - started;
      if (limit >= lagMs) {
        await sleep(Math.max(0, lagMs - waited));
        return reply;
      }
      await sleep(Math.max(0, limit - waited));
      const writeConcernError =
        wtimeout <= maxTime
          ? { code: 64, codeName: 'WriteConcernFailed', errmsg: 'waiting for replication timed out', errInfo: { wtimeout: true } }
          : { code: 50, codeName: 'MaxTimeMSExpired', errmsg: 'operation exceeded time limit' };
      return { ...reply, writeConcernError };
    }
  });

  async function command(name: string, body: Document, connectionId: number): Promise<Document> {
    const db = String(body.$db ?? 'test');
    const s = store(db);
    const coll = (): string => String(body[name]);
    switch (name.toLowerCase()) {
      case 'ismaster':
      case 'hello': {
        const secondary = isSecondary();
        const set = replicaSet !== undefined
          ? {
              setName: replicaSet,
              setVersion: 1,
              hosts: [me],
              me,
              ...(secondary ? {} : { primary: me, electionId: new ObjectId(electionCount.toString(16).padStart(24, '0')) }),
              secondary,
            }
          : {};
        return {
          ismaster: !secondary,
          isWritablePrimary: !secondary,
          ...set,
          helloOk: true,
          maxBsonObjectSize: 16 * 1024 * 1024,
          maxMessageSizeBytes: 48_000_000,
          maxWriteBatchSize: 100_000,
          localTime: new Date(),
          logicalSessionTimeoutMinutes: 30,
          connectionId,
          minWireVersion: 0,
          maxWireVersion: 21,
          readOnly: false,
          ok: 1,
        };
      }
      case 'ping':
      case 'endsessions':
      case 'killcursors':
        return { ok: 1 };
      case 'buildinfo':
        return { version: '7.0.0-fake', versionArray: [7, 0, 0, 0], ok: 1 };
      case 'insert': {
        const docs = (body.documents ?? []) as Doc[];
        let n = 0;
        const writeErrors: Document[] = [];
        for (let i = 0; i < docs.length; i++) {
          try {
            await s.collection(coll()).insertOne(docs[i]!);
            n++;
          } catch (err) {
            writeErrors.push(writeError(i, err, db, coll()));
            if (body.ordered !== false) break;
          }
        }
        return { n, ...(writeErrors.length ? { writeErrors } : {}), ok: 1 };
      }
      case 'update': {
        const updates = (body.updates ?? []) as { q: Filter; u: Document; upsert?: boolean; multi?: boolean }[];
        let n = 0;
        let nModified = 0;
        const upserted: Document[] = [];
        const writeErrors: Document[] = [];
        for (let i = 0; i < updates.length; i++) {
          const { q, u, upsert, multi } = updates[i]!;
          try {
            const c = s.collection(coll());
            const isReplacement = Object.keys(u).every((k) => !k.startsWith('$'));
            const r = isReplacement
              ? await c.replaceOne(q, u as Doc, { upsert: upsert === true })
              : multi
                ? await c.updateMany(q, u as Update)
                : await c.updateOne(q, u as Update, { upsert: upsert === true });
            n += r.matchedCount;
            nModified += r.modifiedCount;
            if (r.upsertedId !== null) {
              n++;
              upserted.push({ index: i, _id: r.upsertedId });
            }
          } catch (err) {
            writeErrors.push(writeError(i, err, db, coll()));
            if (body.ordered !== false) break;
          }
        }
        return { n, nModified, ...(upserted.length ? { upserted } : {}), ...(writeErrors.length ? { writeErrors } : {}), ok: 1 };
      }
      case 'delete': {
        const deletes = (body.deletes ?? []) as { q: Filter; limit: number }[];
        let n = 0;
        for (const d of deletes) {
          const c = s.collection(coll());
          n += (d.limit === 1 ? await c.deleteOne(d.q) : await c.deleteMany(d.q)).deletedCount;
        }
        return { n, ok: 1 };
      }
      case 'find': {
        const limit = typeof body.limit === 'number' ? Math.abs(body.limit) : undefined;
        const docs = await s.collection(coll()).find((body.filter ?? {}) as Filter, {
          sort: body.sort as Record<string, 1 | -1> | undefined,
          skip: body.skip as number | undefined,
          limit: limit || undefined,
          projection: body.projection as Record<string, 0 | 1> | undefined,
        });
        return cursor(db, coll(), docs);
      }
      case 'aggregate':
        return cursor(db, coll(), await s.collection(coll()).aggregate((body.pipeline ?? []) as Record<string, unknown>[]));
      case 'distinct':
        return { values: await s.collection(coll()).distinct(String(body.key), (body.query ?? {}) as Filter), ok: 1 };
      case 'createindexes': {
        const specs: IndexSpec[] = ((body.indexes ?? []) as { key: Record<string, 1 | -1>; name?: string; unique?: boolean }[]).map((i) => ({
          keys: i.key,
          ...(i.name ? { name: i.name } : {}),
          ...(i.unique ? { unique: true } : {}),
        }));
        try {
          await s.collection(coll()).createIndexes(specs);
        } catch (err) {
          if (err instanceof DuplicateKeyError) return { ok: 0, code: 11000, codeName: 'DuplicateKey', errmsg: `E11000 duplicate key error collection: ${db}.${coll()}` };
          throw err;
        }
        return { ok: 1 };
      }
      case 'dropindexes': {
        if (!(await s.listCollections()).includes(coll())) return nsNotFound();
        const index = String(body.index);
        if (!s.collection(coll()).indexSpecs().some((spec) => spec.name === index)) {
          return { ok: 0, code: 27, codeName: 'IndexNotFound', errmsg: `index not found with name [${index}]` };
        }
        await s.collection(coll()).dropIndexes([index]);
        return { ok: 1 };
      }
      case 'listindexes': {
        if (!(await s.listCollections()).includes(coll())) return nsNotFound();
        const indexes = s.collection(coll()).indexSpecs().map((spec) => ({ v: 2, key: spec.keys, name: spec.name, ...(spec.unique ? { unique: true } : {}) }));
        return cursor(db, coll(), indexes);
      }
      case 'listcollections': {
        const names = await s.listCollections();
        const filter = (body.filter ?? {}) as { name?: unknown; type?: unknown };
        const out = names
          .filter((n) => filter.name === undefined || filter.name === n)
          .filter(() => filter.type === undefined || filter.type === 'collection')
          .map((n) => ({ name: n, type: 'collection' }));
        return cursor(db, '$cmd.listCollections', out);
      }
      case 'drop': {
        if (!(await s.listCollections()).includes(coll())) return nsNotFound();
        await s.dropCollection(coll());
        return { ok: 1 };
      }
      case 'dropdatabase':
        for (const c of await s.listCollections()) await s.dropCollection(c);
        return { ok: 1 };
      case 'renamecollection': {
        const [fromDb, ...fromRest] = String(body.renameCollection).split('.');
        const [toDb, ...toRest] = String(body.to).split('.');
        if (fromDb !== toDb) return { ok: 0, code: 20, errmsg: 'renaming across databases is not modelled' };
        const from = fromRest.join('.');
        const to = toRest.join('.');
        const target = store(fromDb!);
        const existing = await target.listCollections();
        if (!existing.includes(from)) return { ok: 0, code: 26, codeName: 'NamespaceNotFound', errmsg: 'source namespace does not exist' };
        if (existing.includes(to) && body.dropTarget !== true) return { ok: 0, code: 48, codeName: 'NamespaceExists', errmsg: 'target namespace exists' };
        await target.renameCollection(from, to);
        return { ok: 1 };
      }
      default:
        return { ok: 0, code: 59, codeName: 'CommandNotFound', errmsg: `no such command: '${name}'` };
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  me = `127.0.0.1:${port}`;
  return {
    // A replica set is discovered through its members (and the driver's defaults apply);
    // the standalone is connected to directly, failing fast when it is gone.
    url: replicaSet !== undefined ? `mongodb://${me}/?replicaSet=${replicaSet}` : `mongodb://${me}/?directConnection=true&serverSelectionTimeoutMS=3000`,
    commands,
    writes,
    store,
    stepDown(ms) {
      if (replicaSet === undefined) throw new Error('stepDown needs a replica set (startFakeMongo({ replicaSet }))');
      secondaryUntil = Date.now() + ms;
      // The next election gives the member a new electionId.
      electionCount++;
    },
    replicationLag(ms) {
      if (replicaSet === undefined) throw new Error('replicationLag needs a replica set (startFakeMongo({ replicaSet }))');
      lagMs = ms;
    },
    hold(match) {
      let arrive!: (c: Document) => void;
      let release!: () => void;
      const arrived = new Promise<Document>((resolve) => (arrive = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.push({ match, arrive, released });
      return {
        arrived,
        async release() {
          const command = await arrived;
          const before = writes.length;
          release();
          // The kept command runs on its connection's chain; wait for its reply to be recorded.
          for (let i = 0; i < 500 && !writes.slice(before).some((w) => w.command === command); i++) await sleep(2);
          const done = writes.slice(before).find((w) => w.command === command);
          if (!done) throw new Error('the released command did not complete');
          return done.reply;
        },
      };
    },
    loseNextReply(match) {
      replyLosses.push(match);
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A logical session's id as hex (a Buffer with promoteBuffers, else a BSON Binary). */
function sessionIdOf(lsid: unknown): string | undefined {
  const id = (lsid as { id?: unknown } | undefined)?.id;
  if (id instanceof Uint8Array) return Buffer.from(id).toString('hex');
  const bytes = (id as { buffer?: unknown } | undefined)?.buffer;
  return bytes instanceof Uint8Array ? Buffer.from(bytes).toString('hex') : undefined;
}

function cursor(db: string, coll: string, docs: readonly unknown[]): Document {
  return { cursor: { firstBatch: docs, id: 0n, ns: `${db}.${coll}` }, ok: 1 };
}

function nsNotFound(): Document {
  return { ok: 0, code: 26, codeName: 'NamespaceNotFound', errmsg: 'ns not found' };
}

/** The server's write error for a failed write, E11000 with keyValue and the server's message shape. */
function writeError(index: number, err: unknown, db: string, coll: string): Document {
  if (err instanceof DuplicateKeyError) {
    const fields = Object.entries(err.key);
    const indexName = fields.length === 1 && fields[0]![0] === '_id' ? '_id_' : fields.map(([k]) => `${k}_1`).join('_');
    const shown = fields.map(([k, v]) => `${k}: ${v === undefined ? 'null' : JSON.stringify(v)}`).join(', ');
    return {
      index,
      code: 11000,
      keyPattern: Object.fromEntries(fields.map(([k]) => [k, 1])),
      keyValue: err.key,
      errmsg: `E11000 duplicate key error collection: ${db}.${coll} index: ${indexName} dup key: { ${shown} }`,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { index, code: /_id/.test(message) ? 66 : 2, errmsg: message };
}

/** ObjectIds as hex strings (the in-memory store keys documents by string), recursively. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === 'object') {
    const bsontype = (value as { _bsontype?: string })._bsontype;
    if (bsontype === 'ObjectId') return (value as { toHexString(): string }).toHexString();
    if (bsontype !== undefined || value instanceof Date || value instanceof RegExp || Buffer.isBuffer(value) || value instanceof Uint8Array) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalize(v);
    return out;
  }
  return value;
}

function opMsg(requestId: number, responseTo: number, doc: Document): Buffer {
  const body = BSON.serialize(doc);
  const header = Buffer.alloc(21);
  header.writeInt32LE(16 + 4 + 1 + body.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(OP_MSG, 12);
  header.writeUInt32LE(0, 16);
  header[20] = 0;
  return Buffer.concat([header, body]);
}

function opReply(requestId: number, responseTo: number, doc: Document): Buffer {
  const body = BSON.serialize(doc);
  const header = Buffer.alloc(36);
  header.writeInt32LE(36 + body.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(OP_REPLY, 12);
  header.writeInt32LE(0, 16); // responseFlags
  header.writeBigInt64LE(0n, 20); // cursorID
  header.writeInt32LE(0, 28); // startingFrom
  header.writeInt32LE(1, 32); // numberReturned
  return Buffer.concat([header, body]);
}
