import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { BSON, type Document } from 'mongodb';
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
 */

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;

export interface FakeMongo {
  url: string;
  /** Commands received (their body, with the command name as first key), oldest first. */
  commands: Document[];
  /** The databases' stores, by name. */
  store(db: string): MemoryReadStore;
  close(): Promise<void>;
}

export async function startFakeMongo(): Promise<FakeMongo> {
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
  const sockets = new Set<Socket>();
  let requestIds = 1;
  let connectionIds = 1;

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const connectionId = connectionIds++;
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
        socket.write(opReply(requestIds++, requestId, reply));
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
      socket.write(opMsg(requestIds++, requestId, reply));
    }

    async function run(raw: Document): Promise<Document> {
      const body = normalize(raw) as Document;
      const name = Object.keys(body)[0] ?? '';
      commands.push(body);
      try {
        return await command(name, body, connectionId);
      } catch (err) {
        return { ok: 0, code: 2, codeName: 'BadValue', errmsg: err instanceof Error ? err.message : String(err) };
      }
    }
  });

  async function command(name: string, body: Document, connectionId: number): Promise<Document> {
    const db = String(body.$db ?? 'test');
    const s = store(db);
    const coll = (): string => String(body[name]);
    switch (name.toLowerCase()) {
      case 'ismaster':
      case 'hello':
        return {
          ismaster: true,
          isWritablePrimary: true,
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
  return {
    url: `mongodb://127.0.0.1:${port}/?directConnection=true&serverSelectionTimeoutMS=3000`,
    commands,
    store,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
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
