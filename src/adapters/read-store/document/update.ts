/**
 * MongoDB update operators. Nested containers are copied on write: the result shares every
 * untouched subtree with the stored document and copies only the containers on changed paths.
 * The top level is copied too, or, for the store's own documents, written in place with an undo
 * record (unless the update removes top-level fields). An update that throws halfway, or whose
 * result cannot be stored (CompiledUpdate.undo), leaves the document as it was.
 *
 * Supported: $set $unset $inc $mul $min $max $rename $push (+$each $slice $position $sort)
 * $pull $pullAll $pop $addToSet (+$each) $setOnInsert.
 */
import type { Doc, Filter, Update } from '../../../ports/read-store';
import { BoundedCache } from './cache';
import { cloneValue, shallowCopy } from './clone';
import { compileFilter, isOperatorObject } from './filter';
import { isArrayIndex, splitPath } from './paths';
import { compileSort, sortItems } from './sort';
import { compareValues, isPlainObject, valuesEqual, type PlainObject } from './values';

export class UpdateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpdateError';
  }
}

type Container = PlainObject | unknown[];

class Op {
  constructor(
    readonly op: string,
    readonly path: string,
    readonly parts: readonly string[],
    readonly arg: unknown,
  ) {}
}

const UPDATE_OPERATORS = new Set([
  '$set', '$unset', '$inc', '$mul', '$min', '$max', '$rename', '$push', '$pull', '$pullAll', '$pop',
  '$addToSet', '$setOnInsert',
]);

export interface CompiledUpdate {
  /**
   * The updated document, or null when the update changes nothing; `doc` is left as it was.
   * `inPlace`: the top level of `doc` may be written in place (the result is then `doc` itself
   * or a copy of it), which {@link undo} reverts; on an exception `doc` is restored.
   */
  apply(doc: Doc, isInsert: boolean, inPlace?: boolean): Doc | null;
  /** Restores the document the last `apply` changed in place, for when storing the result
   * fails (a unique index violation); a no-op when it changed nothing in place. */
  undo(): void;
  /** Every path the update may write (for index maintenance). */
  readonly paths: readonly string[];
}

export function isUpdateDocument(update: unknown): boolean {
  if (!isPlainObject(update)) return false;
  const keys = Object.keys(update);
  return keys.length > 0 && keys.every((k) => k.charCodeAt(0) === 36);
}

/** Paths already validated as update targets, with their parts (bounded memo). */
const validPaths = new BoundedCache<string, readonly string[]>(10_000);

function updatePath(path: string): readonly string[] {
  const known = validPaths.get(path);
  if (known !== undefined) return known;
  if (path === '' || path.startsWith('.') || path.endsWith('.') || path.includes('..')) {
    throw new UpdateError(`Invalid field path '${path}'`);
  }
  if (path.includes('$')) throw new UpdateError(`Positional and array filter paths are not supported: '${path}'`);
  const parts = splitPath(path);
  validPaths.set(path, parts);
  return parts;
}

export function compileUpdate(update: Update): CompiledUpdate {
  if (!isPlainObject(update)) throw new UpdateError('An update must be an object');
  const ops: Op[] = [];
  let operators = 0;
  let dotted = false;
  /** Some operator removes a top-level field ($unset, $rename from or to one). */
  let removesTop = false;
  for (const op in update) {
    operators++;
    if (!UPDATE_OPERATORS.has(op)) {
      if (op.charCodeAt(0) !== 36) throw new UpdateError('An update may only contain operators; use replaceOne to replace');
      throw new UpdateError(`Unsupported update operator: ${op}`);
    }
    const fields = update[op];
    if (!isPlainObject(fields)) throw new UpdateError(`${op} needs an object`);
    for (const path in fields) {
      const parts = updatePath(path);
      if (parts.length > 1) dotted = true;
      else if (op === '$unset' || op === '$rename') removesTop = true;
      ops.push(new Op(op, path, parts, fields[path]));
      if (op === '$rename') {
        const to = fields[path];
        if (typeof to !== 'string' || to === '' || to === path) throw new UpdateError('$rename needs a different target field name');
        const toParts = splitPath(to);
        if (toParts.length === 1) removesTop = true;
        ops.push(new Op('$renameTarget', to, toParts, path));
      }
    }
  }
  if (operators === 0) throw new UpdateError('An update needs at least one operator');
  // Undotted fields of a single operator are distinct keys of one object: nothing to check.
  if (dotted || operators > 1 || update.$rename !== undefined) checkConflicts(ops);
  return new Compiled(ops, !removesTop);
}

class Compiled implements CompiledUpdate {
  private written: string[] | null = null;
  /** The writer of the last apply, while its document may need restoring. */
  private last: Writer | null = null;

  constructor(
    private readonly ops: Op[],
    /** Whether the top level can be written in place: no top-level field is removed (undoing
     * a removal would re-add the field last, changing the document's field order). */
    private readonly inPlaceSafe: boolean,
  ) {}

  get paths(): readonly string[] {
    this.written ??= this.ops.map((o) => o.path);
    return this.written;
  }

  apply(doc: Doc, isInsert: boolean, inPlace = false): Doc | null {
    const id = doc._id;
    const w = new Writer(doc, inPlace && this.inPlaceSafe);
    this.last = null;
    const ops = this.ops;
    try {
      for (let i = 0; i < ops.length; i++) {
        const o = ops[i];
        if (o.op === '$setOnInsert' && !isInsert) continue;
        if (o.op === '$renameTarget') continue;
        applyOp(w, o, ops);
      }
      if (!w.changed) return null;
      // An upsert whose filter names no _id may set one; otherwise _id never changes.
      if (!(isInsert && id === undefined) && !valuesEqual(w.root._id, id)) {
        throw new UpdateError("Performing an update on the path '_id' would modify the immutable field '_id'");
      }
    } catch (e) {
      w.rollback();
      throw e;
    }
    this.last = w;
    // A document that gained top-level fields through keyed writes may have become a
    // dictionary-mode object; a spread copy is a fast-mode one again (cheaper to read and copy).
    return (w.reshaped ? shallowCopy(w.root) : w.root) as Doc;
  }

  undo(): void {
    this.last?.rollback();
    this.last = null;
  }
}

/** Whether one path is the other or a prefix of it (writing both would conflict). */
function overlaps(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length > b.length) return a.charCodeAt(b.length) === 46 && a.startsWith(b);
  return b.length > a.length && b.charCodeAt(a.length) === 46 && b.startsWith(a);
}

function checkConflicts(ops: Op[]): void {
  for (let i = 0; i < ops.length; i++) {
    for (let j = i + 1; j < ops.length; j++) {
      const a = ops[i].path;
      const b = ops[j].path;
      if (overlaps(a, b)) {
        throw new UpdateError(`Updating the path '${b}' would create a conflict at '${a}'`);
      }
    }
  }
}

/** Marks a current value the writer has not been given (it reads it itself). */
const UNREAD: unique symbol = Symbol('unread');

/**
 * Builds the new version of a document. Nested containers on written paths are copied once
 * (copy-on-write: stored containers are never changed, index entries may hold them). The top
 * level is either a copy too, or, `inPlace`, the document itself, with each top-level write
 * recorded ([key, had, old value]) so that {@link rollback} can restore it.
 */
class Writer {
  root: PlainObject;
  changed = false;
  /** A top-level field was added or removed. */
  reshaped = false;
  /** Containers already copied for this update (created on the first nested write). */
  private copies: Set<Container> | null = null;
  private undoLog: unknown[] | null = null;

  constructor(
    private readonly original: PlainObject,
    private readonly inPlace: boolean,
  ) {
    this.root = original;
  }

  private begin(): void {
    if (!this.changed) {
      if (!this.inPlace) this.root = shallowCopy(this.original);
      this.changed = true;
    }
  }

  /** Writes a top-level field, recording what it held when writing in place. `current`: its
   * value, when the caller has just read it. */
  private setTop(key: string, value: unknown, current: unknown = UNREAD): void {
    const root = this.root;
    const old = current === UNREAD ? root[key] : current;
    const had = old !== undefined || key in root;
    if (this.inPlace) (this.undoLog ??= []).push(key, had, old);
    if (!had) this.reshaped = true;
    root[key] = value;
  }

  /** Restores the top-level fields written in place, newest first. */
  rollback(): void {
    const log = this.undoLog;
    if (log === null) return;
    const root = this.root;
    for (let i = log.length - 3; i >= 0; i -= 3) {
      const key = log[i] as string;
      if (log[i + 1] === true) root[key] = log[i + 2];
      else delete root[key];
    }
    this.undoLog = null;
  }

  get(parts: readonly string[]): unknown {
    if (parts.length === 1) return this.root[parts[0]];
    let v: unknown = this.root;
    for (const part of parts) {
      if (Array.isArray(v)) v = isArrayIndex(part) ? v[Number(part)] : undefined;
      else if (isPlainObject(v)) v = v[part];
      else return undefined;
    }
    return v;
  }

  /** The writable parent container of a path, creating missing objects on the way. */
  private parent(parts: readonly string[], create: boolean): Container | null {
    this.begin();
    const root = this.root;
    let c: Container = root;
    if (parts.length > 1 && this.copies === null) this.copies = new Set<Container>();
    const copies = this.copies as Set<Container>;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i];
      let child: unknown;
      if (Array.isArray(c)) {
        if (!isArrayIndex(part)) throw new UpdateError(`Cannot create field '${part}' in an array`);
        child = c[Number(part)];
      } else {
        child = c[part];
      }
      if (child === undefined || child === null) {
        if (!create) return null;
        if (child === null) throw new UpdateError(`Cannot create field '${parts[i + 1]}' in element {${part}: null}`);
        child = {};
        if (c === root) this.setTop(part, child);
        else this.setIn(c, part, child);
        copies.add(child as Container);
      } else if (typeof child !== 'object' || child instanceof Date) {
        throw new UpdateError(`Cannot create field '${parts[i + 1]}' in element {${part}: ${JSON.stringify(child)}}`);
      } else if (!copies.has(child as Container)) {
        child = Array.isArray(child) ? child.slice() : shallowCopy(child as PlainObject);
        if (c === root) this.setTop(part, child);
        else this.setIn(c, part, child);
        copies.add(child as Container);
      }
      c = child as Container;
    }
    return c;
  }

  private setIn(c: Container, part: string, value: unknown): void {
    if (Array.isArray(c)) {
      const idx = Number(part);
      while (c.length < idx) c.push(null);
      c[idx] = value;
    } else {
      c[part] = value;
    }
  }

  /** Writes `value` at `parts`; `current`: the value there, when the caller has just read it
   * with {@link get}. */
  set(parts: readonly string[], value: unknown, current: unknown = UNREAD): void {
    if (parts.length === 1) {
      this.begin();
      this.setTop(parts[0], value, current);
      return;
    }
    const c = this.parent(parts, true) as Container;
    const last = parts[parts.length - 1];
    if (Array.isArray(c) && !isArrayIndex(last)) throw new UpdateError(`Cannot create field '${last}' in an array`);
    this.setIn(c, last, value);
  }

  unset(parts: readonly string[]): void {
    const c = this.parent(parts, false);
    if (c === null) return;
    const last = parts[parts.length - 1];
    if (Array.isArray(c)) {
      if (isArrayIndex(last) && Number(last) < c.length) c[Number(last)] = null;
    } else {
      // Top-level removals only happen on a copy (see Compiled.inPlaceSafe).
      if (c === this.root) this.reshaped = true;
      delete c[last];
    }
  }
}

function applyOp(w: Writer, o: Op, all: Op[]): void {
  const { parts, arg } = o;
  const old = w.get(parts);
  switch (o.op) {
    case '$set':
    case '$setOnInsert': {
      // Like a driver with ignoreUndefined: setting undefined is no change.
      if (arg === undefined) return;
      const v = cloneValue(arg);
      if (old === undefined || !valuesEqual(old, v)) w.set(parts, v, old);
      return;
    }
    case '$unset':
      if (old !== undefined) w.unset(parts);
      return;
    case '$inc':
    case '$mul': {
      if (typeof arg !== 'number') throw new UpdateError(`${o.op} needs a number for '${o.path}'`);
      if (old !== undefined && typeof old !== 'number') {
        throw new UpdateError(`Cannot apply ${o.op} to a non-numeric value at '${o.path}'`);
      }
      const base = old === undefined ? 0 : old;
      const next = o.op === '$inc' ? base + arg : base * arg;
      if (old === undefined || next !== old) w.set(parts, next, old);
      return;
    }
    case '$min':
    case '$max': {
      const c = old === undefined ? 0 : compareValues(arg, old);
      if (old === undefined || (o.op === '$min' ? c < 0 : c > 0)) w.set(parts, cloneValue(arg), old);
      return;
    }
    case '$rename': {
      if (old === undefined) return;
      const target = all.find((x) => x.op === '$renameTarget' && x.arg === o.path) as Op;
      w.unset(parts);
      w.set(target.parts, old);
      return;
    }
    case '$push':
      return push(w, o, old);
    case '$addToSet': {
      const arr = arrayAt(old, o);
      const items = isPlainObject(arg) && '$each' in arg ? eachOf(arg.$each) : [arg];
      const next = arr.slice();
      for (const item of items) if (!next.some((e) => valuesEqual(e, item))) next.push(cloneValue(item));
      if (old === undefined || next.length !== arr.length) w.set(parts, next, old);
      return;
    }
    case '$pull': {
      if (old === undefined) return;
      const arr = arrayAt(old, o);
      const test = pullTest(arg);
      const next = arr.filter((e) => !test(e));
      if (next.length !== arr.length) w.set(parts, next);
      return;
    }
    case '$pullAll': {
      if (old === undefined) return;
      const arr = arrayAt(old, o);
      const values = eachOf(arg);
      const next = arr.filter((e) => !values.some((v) => valuesEqual(e, v)));
      if (next.length !== arr.length) w.set(parts, next);
      return;
    }
    case '$pop': {
      if (old === undefined) return;
      const arr = arrayAt(old, o);
      if (arr.length === 0) return;
      w.set(parts, arg === -1 ? arr.slice(1) : arr.slice(0, -1));
      return;
    }
    default:
      throw new UpdateError(`Unsupported update operator: ${o.op}`);
  }
}

function arrayAt(old: unknown, o: Op): unknown[] {
  if (old === undefined) return [];
  if (!Array.isArray(old)) throw new UpdateError(`${o.op} needs an array at '${o.path}'`);
  return old;
}

function eachOf(v: unknown): unknown[] {
  if (!Array.isArray(v)) throw new UpdateError('$each needs an array');
  return v;
}

function push(w: Writer, o: Op, old: unknown): void {
  const arr = arrayAt(old, o);
  const { arg } = o;
  const modifiers = isPlainObject(arg) && '$each' in arg ? arg : null;
  const items = (modifiers ? eachOf(modifiers.$each) : [arg]).map((x) => cloneValue(x));
  let next = arr.slice();
  if (modifiers && modifiers.$position !== undefined) {
    const p = modifiers.$position;
    if (typeof p !== 'number' || !Number.isInteger(p)) throw new UpdateError('$position needs an integer');
    const at = p < 0 ? Math.max(0, next.length + p) : Math.min(p, next.length);
    next.splice(at, 0, ...items);
  } else {
    for (const item of items) next.push(item);
  }
  if (modifiers && modifiers.$sort !== undefined) {
    const s = modifiers.$sort;
    if (s === 1 || s === -1) {
      next.sort((a, b) => compareValues(a, b) * s);
    } else if (isPlainObject(s)) {
      next = sortItems(next, compileSort(s as Record<string, 1 | -1>), (e) => e);
    } else {
      throw new UpdateError('$sort needs 1, -1 or a sort document');
    }
  }
  if (modifiers && modifiers.$slice !== undefined) {
    const n = modifiers.$slice;
    if (typeof n !== 'number' || !Number.isInteger(n)) throw new UpdateError('$slice needs an integer');
    next = n >= 0 ? next.slice(0, n) : next.slice(Math.max(0, next.length + n));
  }
  if (old === undefined || !valuesEqual(next, arr)) w.set(o.parts, next, old);
}

/** $pull's condition: a query on document elements, an operator expression on values, or a value. */
function pullTest(cond: unknown): (e: unknown) => boolean {
  if (isOperatorObject(cond)) {
    const pred = compileFilter({ v: cond });
    return (e) => pred({ v: e });
  }
  if (isPlainObject(cond)) {
    const pred = compileFilter(cond);
    return (e) => isPlainObject(e) && pred(e);
  }
  return (e) => valuesEqual(e, cond);
}

/**
 * The document an upsert starts from: the filter's equality conditions (top level and in
 * $and), with dotted paths expanded into nested objects.
 */
export function upsertSeed(filter: Filter): PlainObject {
  const seed: PlainObject = {};
  const add = (f: Filter): void => {
    for (const key of Object.keys(f)) {
      const v = f[key];
      if (key === '$and' && Array.isArray(v)) {
        for (const sub of v) if (isPlainObject(sub)) add(sub);
        continue;
      }
      if (key.charCodeAt(0) === 36) continue;
      let value: unknown;
      if (isOperatorObject(v)) {
        if (!('$eq' in v)) continue;
        value = v.$eq;
      } else if (v instanceof RegExp) {
        continue;
      } else {
        value = v;
      }
      setSeedPath(seed, splitPath(key), cloneValue(value));
    }
  };
  add(filter);
  return seed;
}

function setSeedPath(root: PlainObject, parts: readonly string[], value: unknown): void {
  let c = root;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = c[parts[i]];
    if (isPlainObject(next)) {
      c = next;
    } else {
      const o: PlainObject = {};
      c[parts[i]] = o;
      c = o;
    }
  }
  c[parts[parts.length - 1]] = value === undefined ? null : value;
}
