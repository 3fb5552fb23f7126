/**
 * Pure mappings between the read store port and the MongoDB driver: connection settings, write
 * concern, index specs, update results, generated ids and the duplicate-key error. No I/O here,
 * so every rule is unit-tested without a server (mapping.unit.test.ts).
 */
import type { IndexDescription, MongoClientOptions, W } from 'mongodb';
import { DuplicateKeyError, type Doc, type Filter, type FindOptions, type IndexSpec, type Update, type UpdateResult } from '../../../ports/read-store';

export const DEFAULT_DB_NAME = 'isp_ops';

export interface MongoWriteConcern {
  /** 'majority' (default) or the number of members that must acknowledge (at least 1). */
  w: W;
  /** Wait for the journal (default true). */
  journal: boolean;
}

export interface MongoSettings {
  url: string;
  dbName: string;
  writeConcern: MongoWriteConcern;
  appName?: string;
}

export const DEFAULT_WRITE_CONCERN: MongoWriteConcern = { w: 'majority', journal: true };

/**
 * The database named in the connection string's path (`mongodb://host/<db>?...`), or undefined.
 * Works for seed lists (`host1:27017,host2:27017`), which `new URL` cannot parse.
 */
export function dbNameFromUrl(url: string): string | undefined {
  const scheme = url.indexOf('://');
  if (scheme < 0) return undefined;
  const rest = url.slice(scheme + 3);
  const slash = rest.indexOf('/');
  if (slash < 0) return undefined;
  const path = rest.slice(slash + 1).split('?')[0]!.split('#')[0]!;
  if (path === '') return undefined;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** MONGODB_DB when set, else the connection string's path, else `isp_ops`. */
export function resolveDbName(url: string, explicit?: string): string {
  const name = explicit?.trim() || dbNameFromUrl(url) || DEFAULT_DB_NAME;
  if (/[/\\. "$\0]/.test(name) || name.length > 63) throw new Error(`Invalid MongoDB database name: ${JSON.stringify(name)}`);
  return name;
}

/** `majority` or a positive integer, as MONGODB_WRITE_CONCERN gives it. */
export function parseWriteConcernW(value: string | undefined): W {
  const v = (value ?? '').trim();
  if (v === '' || v === 'majority') return 'majority';
  if (/^\d+$/.test(v) && Number(v) >= 1) return Number(v);
  throw new Error(`Invalid write concern ${JSON.stringify(value)}: use "majority" or a number of members (1 or more)`);
}

/** The settings the composition root derives from the validated configuration. */
export function mongoSettingsFromConfig(config: {
  MONGODB_URL: string;
  MONGODB_DB?: string;
  MONGODB_WRITE_CONCERN?: W;
  MONGODB_JOURNAL?: boolean;
}): MongoSettings {
  return {
    url: config.MONGODB_URL,
    dbName: resolveDbName(config.MONGODB_URL, config.MONGODB_DB),
    writeConcern: {
      w: config.MONGODB_WRITE_CONCERN ?? DEFAULT_WRITE_CONCERN.w,
      journal: config.MONGODB_JOURNAL ?? DEFAULT_WRITE_CONCERN.journal,
    },
    appName: 'isp-ops',
  };
}

/**
 * Driver options. `ignoreUndefined` drops fields whose value is `undefined` (the in-memory store
 * does the same), instead of storing them as null. Reads use the default primary read
 * preference, so a write acknowledged by the primary is visible to the next read of any instance.
 */
export function mongoClientOptions(settings: Pick<MongoSettings, 'writeConcern' | 'appName'>): MongoClientOptions {
  const options: MongoClientOptions = {
    ignoreUndefined: true,
    writeConcern: { w: settings.writeConcern.w, journal: settings.writeConcern.journal },
  };
  if (settings.appName) options.appName = settings.appName;
  return options;
}

/** The name MongoDB gives an index by default: `field_1_other_-1`. */
export function defaultIndexName(keys: Record<string, 1 | -1>): string {
  return Object.entries(keys)
    .map(([field, dir]) => `${field}_${dir}`)
    .join('_');
}

/**
 * createIndexes arguments for the port's specs. Names are stable (given, or MongoDB's default
 * for the keys), so creating the same indexes again is a no-op on the server.
 */
export function toIndexDescriptions(specs: readonly IndexSpec[]): IndexDescription[] {
  return specs.map((spec) => {
    const keys = Object.keys(spec.keys);
    if (keys.length === 0) throw new Error('An index needs at least one field');
    for (const k of keys) {
      const dir = spec.keys[k];
      if (dir !== 1 && dir !== -1) throw new Error(`Index direction of ${k} must be 1 or -1`);
    }
    const description: IndexDescription = { key: { ...spec.keys }, name: spec.name ?? defaultIndexName(spec.keys) };
    if (spec.unique) description.unique = true;
    return description;
  });
}

/** Driver find options for the port's: empty sort/projection and a zero skip/limit are left out
 * (a limit of 0 means "no limit" to MongoDB, as it does to the in-memory store). */
export function toFindOptions(options: FindOptions): FindOptions {
  const out: FindOptions = {};
  if (options.sort && Object.keys(options.sort).length > 0) out.sort = { ...options.sort };
  if (options.skip !== undefined && options.skip > 0) out.skip = options.skip;
  if (options.limit !== undefined && options.limit > 0) out.limit = options.limit;
  if (options.projection && Object.keys(options.projection).length > 0) out.projection = { ...options.projection };
  return out;
}

/** The driver's update/replace result as the port reports it. */
export function toUpdateResult(result: { matchedCount: number; modifiedCount: number; upsertedId?: unknown }): UpdateResult {
  const id = result.upsertedId;
  return {
    matchedCount: result.matchedCount,
    modifiedCount: result.modifiedCount,
    upsertedId: id === null || id === undefined ? null : typeof id === 'string' ? id : String(id),
  };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof RegExp);

/**
 * Whether an upsert with this filter inserts a document whose `_id` comes from the filter: an
 * equality on `_id` at the top level or inside `$and` (what MongoDB copies into the new document).
 */
export function filterPinsId(filter: Filter): boolean {
  if ('_id' in filter) {
    const v = filter._id;
    if (!isPlainObject(v)) return v !== undefined;
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === '$eq') return true;
    if (keys.length > 0 && keys.every((k) => !k.startsWith('$'))) return true;
  }
  const and = filter.$and;
  return Array.isArray(and) && and.some((f) => isPlainObject(f) && filterPinsId(f));
}

/**
 * MongoDB generates an ObjectId for a document an upsert inserts without an `_id`; the port
 * promises string ids, so an upsert whose filter does not pin `_id` gets one in `$setOnInsert`
 * (applied only when the upsert inserts). Returns the update unchanged otherwise.
 */
export function withGeneratedUpsertId(filter: Filter, update: Update, newId: () => string): Update {
  if (filterPinsId(filter)) return update;
  const onInsert = update.$setOnInsert ?? {};
  if ('_id' in onInsert || (update.$set !== undefined && '_id' in update.$set)) return update;
  return { ...update, $setOnInsert: { ...onInsert, _id: newId() } };
}

/** A document to insert, with a generated string `_id` when it has none (never mutates the input). */
export function withId(doc: Record<string, unknown>, newId: () => string): Doc {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new TypeError('A document must be an object');
  return (doc._id === undefined ? { _id: newId(), ...doc } : { ...doc }) as Doc;
}

export const DUPLICATE_KEY_CODES: ReadonlySet<number> = new Set([11000, 11001, 12582]);

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  keyValue?: unknown;
  errmsg?: unknown;
  writeErrors?: unknown;
  errorResponse?: unknown;
}

function asErrorLike(err: unknown): ErrorLike | null {
  return typeof err === 'object' && err !== null ? (err as ErrorLike) : null;
}

/** Whether a driver error is a unique-index violation (code 11000, or one of its write errors). */
export function isDuplicateKeyError(err: unknown): boolean {
  const e = asErrorLike(err);
  if (!e) return false;
  if (typeof e.code === 'number' && DUPLICATE_KEY_CODES.has(e.code)) return true;
  const first = firstWriteError(e);
  return first !== null && typeof first.code === 'number' && DUPLICATE_KEY_CODES.has(first.code);
}

function firstWriteError(e: ErrorLike): { code?: unknown; errmsg?: unknown; keyValue?: unknown; op?: unknown } | null {
  const list = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
  const first = list[0] as { code?: unknown; errmsg?: unknown; err?: unknown } | undefined;
  if (!first) return null;
  // The driver wraps each write error (WriteError.err holds the server's fields).
  const raw = asErrorLike(first.err) ?? first;
  return raw as { code?: unknown; errmsg?: unknown; keyValue?: unknown; op?: unknown };
}

/**
 * The duplicate key from a server message such as
 * `E11000 duplicate key error collection: db.c index: email_1 dup key: { email: "a@x" }`.
 * Strings, numbers, booleans and null are decoded; anything else is kept as its text.
 */
export function parseDupKeyMessage(message: string): Record<string, unknown> | null {
  const at = message.indexOf('dup key: {');
  if (at < 0) return null;
  const src = message.slice(at + 'dup key: {'.length);
  const out: Record<string, unknown> = {};
  let i = 0;
  const skipSpace = () => {
    while (i < src.length && src[i] === ' ') i++;
  };
  let unnamed = 0;
  for (;;) {
    skipSpace();
    if (i >= src.length) return null;
    if (src[i] === '}') return out;
    // key: up to ':' (may be empty on old servers)
    const colon = src.indexOf(':', i);
    if (colon < 0) return null;
    let key = src.slice(i, colon).trim();
    if (key === '') key = `key${unnamed++}`;
    i = colon + 1;
    skipSpace();
    let value: unknown;
    if (src[i] === '"') {
      let j = i + 1;
      let text = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\' && j + 1 < src.length) {
          text += src[j + 1];
          j += 2;
        } else text += src[j++];
      }
      value = text;
      i = j + 1;
    } else {
      // Up to the next top-level ',' or '}' (nested parentheses kept whole: ObjectId('...')).
      let depth = 0;
      let j = i;
      while (j < src.length) {
        const ch = src[j];
        if (ch === '(' || ch === '[' || ch === '{') depth++;
        else if (ch === ')' || ch === ']') depth--;
        else if (ch === '}' && depth === 0) break;
        else if (ch === '}') depth--;
        else if (ch === ',' && depth === 0) break;
        j++;
      }
      const text = src.slice(i, j).trim();
      value = text === 'null' ? null : text === 'true' ? true : text === 'false' ? false : /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text) ? Number(text) : text;
      i = j;
    }
    out[key] = value;
    skipSpace();
    if (src[i] === ',') i++;
  }
}

/** The key that collided: the server's keyValue, else parsed from its message, else the _id of the failing insert. */
export function duplicateKeyOf(err: unknown): Record<string, unknown> {
  const e = asErrorLike(err);
  if (!e) return {};
  const response = asErrorLike(e.errorResponse);
  const keyValue = e.keyValue ?? response?.keyValue;
  if (isPlainObject(keyValue)) return { ...keyValue };
  const first = firstWriteError(e);
  if (first && isPlainObject(first.keyValue)) return { ...first.keyValue };
  const message = typeof first?.errmsg === 'string' ? first.errmsg : typeof e.errmsg === 'string' ? e.errmsg : typeof e.message === 'string' ? e.message : '';
  const parsed = parseDupKeyMessage(message);
  if (parsed) return parsed;
  if (first && isPlainObject(first.op) && first.op._id !== undefined) return { _id: first.op._id };
  return {};
}

/** The port's error for a driver error: 11000 becomes DuplicateKeyError with the key; the rest pass through. */
export function toReadStoreError(err: unknown, collection: string): unknown {
  if (isDuplicateKeyError(err)) return new DuplicateKeyError(collection, duplicateKeyOf(err));
  return err;
}

/** The time limit given to the server (maxTimeMS, wtimeout) for a write the driver gives up on after `ms`: a fifth less. */
export function serverTimeLimit(ms: number): number {
  return Math.max(1, Math.floor(ms * 0.8));
}

/**
 * Server error codes after which a write's outcome is unknown or the write was not done for want
 * of a primary: time limits (MaxTimeMSExpired, ExceededTimeLimit, WriteConcernFailed — a
 * wtimeout), elections and shutdowns (NotWritablePrimary, NotPrimaryNoSecondaryOk,
 * NotPrimaryOrSecondary, InterruptedDueToReplStateChange, PrimarySteppedDown,
 * ShutdownInProgress, InterruptedAtShutdown) and the network (HostUnreachable, HostNotFound,
 * NetworkTimeout, SocketException).
 */
export const UNCONFIRMED_WRITE_CODES: ReadonlySet<number> = new Set([50, 262, 64, 10107, 13435, 13436, 11602, 189, 91, 11600, 6, 7, 89, 9001]);

/** Driver error classes of the same kind: the write's outcome is unknown, or it never reached a primary. */
const UNCONFIRMED_ERROR_NAMES: ReadonlySet<string> = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoPoolClearedError',
  'MongoOperationTimeoutError',
  'MongoWriteConcernError',
  // The AbortSignal of a bounded write (AbortSignal.timeout) fired.
  'TimeoutError',
  'AbortError',
]);

/**
 * Why a write was not confirmed, when the driver error says it may or may not have been applied
 * (or that it never reached a primary in time); null for any other error (a duplicate key, a bad
 * update), which says the write was refused.
 */
export function unconfirmedWriteReason(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as { name?: unknown; code?: unknown; message?: unknown; errorResponse?: unknown; hasErrorLabel?: unknown };
  if (isDuplicateKeyError(err)) return null;
  const message = typeof e.message === 'string' ? e.message : String(e.name);
  if (typeof e.name === 'string' && UNCONFIRMED_ERROR_NAMES.has(e.name)) return message;
  if (typeof e.code === 'number' && UNCONFIRMED_WRITE_CODES.has(e.code)) return message;
  const response = asErrorLike(e.errorResponse) as { writeConcernError?: unknown } | null;
  if (response?.writeConcernError) return message;
  if (typeof e.hasErrorLabel === 'function' && (e.hasErrorLabel as (l: string) => boolean).call(err, 'RetryableWriteError')) return message;
  return null;
}

/** MongoDB's NamespaceNotFound (a collection that does not exist). */
export function isNamespaceNotFound(err: unknown): boolean {
  const e = asErrorLike(err);
  return e !== null && (e.code === 26 || (typeof e.message === 'string' && /ns not found|source namespace does not exist/i.test(e.message)));
}

/** The port's collection name rule (the in-memory store applies the same). */
export function checkCollectionName(name: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('$') || name.includes('\0') || name.startsWith('system.')) {
    throw new TypeError(`Invalid collection name: ${String(name)}`);
  }
}
