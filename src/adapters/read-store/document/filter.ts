/**
 * MongoDB query filters compiled once into a predicate (a tree of closures), so a query does
 * not re-interpret the filter for every document it examines.
 *
 * Supported: equality (on array elements and dotted paths too), $eq $ne $gt $gte $lt $lte $in
 * $nin $exists $regex (+$options) $and $or $nor $not $elemMatch $all $size, and $comment.
 */
import type { Filter } from '../../../ports/read-store';
import { isArrayIndex, splitPath } from './paths';
import { compareValues, isPlainObject, typeRank, valuesEqual, type PlainObject } from './values';

export type Predicate = (doc: PlainObject) => boolean;
type ValueTest = (value: unknown) => boolean;

export class UnsupportedOperatorError extends Error {
  constructor(operator: string) {
    super(`Unsupported query operator: ${operator}`);
    this.name = 'UnsupportedOperatorError';
  }
}

const FIELD_OPERATORS = new Set([
  '$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists', '$regex', '$options',
  '$not', '$elemMatch', '$all', '$size',
]);

const matchAll: Predicate = () => true;

/** Compiles a filter into a predicate over stored documents. */
export function compileFilter(filter: Filter | undefined): Predicate {
  if (filter === undefined || filter === null) return matchAll;
  if (!isPlainObject(filter)) throw new TypeError('A filter must be an object');
  const preds: Predicate[] = [];
  for (const key of Object.keys(filter)) {
    const value = filter[key];
    if (key.charCodeAt(0) === 36 /* $ */) {
      const p = compileLogical(key, value);
      if (p !== null) preds.push(p);
    } else {
      preds.push(compileFieldCondition(splitPath(key), value));
    }
  }
  return allOf(preds);
}

function allOf(preds: Predicate[]): Predicate {
  switch (preds.length) {
    case 0:
      return matchAll;
    case 1:
      return preds[0];
    case 2: {
      const [a, b] = preds;
      return (d) => a(d) && b(d);
    }
    default:
      return (d) => {
        for (let i = 0; i < preds.length; i++) if (!preds[i](d)) return false;
        return true;
      };
  }
}

function compileLogical(op: string, value: unknown): Predicate | null {
  if (op === '$comment') return null;
  if (op !== '$and' && op !== '$or' && op !== '$nor') throw new UnsupportedOperatorError(op);
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(`${op} must be a nonempty array`);
  }
  const subs = value.map((f: unknown) => compileFilter(f as Filter));
  if (op === '$and') return allOf(subs);
  if (op === '$or') {
    return (d) => {
      for (let i = 0; i < subs.length; i++) if (subs[i](d)) return true;
      return false;
    };
  }
  return (d) => {
    for (let i = 0; i < subs.length; i++) if (subs[i](d)) return false;
    return true;
  };
}

/** A plain object whose keys are all operators ({ $gt: 1 }), as opposed to a literal document. */
export function isOperatorObject(v: unknown): v is PlainObject {
  if (!isPlainObject(v)) return false;
  let any = false;
  for (const k in v) {
    if (k.charCodeAt(0) !== 36) return false;
    any = true;
  }
  return any;
}

/**
 * How a value test applies at a path. `expand`: the test is also tried on each element when the
 * value at the path is an array (equality, comparisons, $in, $regex); array operators ($size,
 * $elemMatch) look at the array itself.
 */
interface PathTest {
  test: ValueTest;
  expand: boolean;
}

function compileFieldCondition(parts: readonly string[], cond: unknown): Predicate {
  if (isOperatorObject(cond)) {
    return allOf(compileOperators(cond).map((t) => pathPredicate(parts, t)));
  }
  return pathPredicate(parts, equalityTest(cond));
}

/** Compiles { $op: arg, ... } into path tests (negations wrap a positive test). */
function compileOperators(ops: PlainObject): PathTest[] {
  const out: PathTest[] = [];
  for (const op of Object.keys(ops)) {
    if (!FIELD_OPERATORS.has(op)) throw new UnsupportedOperatorError(op);
    const arg = ops[op];
    switch (op) {
      case '$eq':
        out.push({ test: equalsValue(arg), expand: true });
        break;
      case '$ne':
        out.push(negate(equalityTest(arg)));
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        out.push({ test: comparisonTest(op, arg), expand: true });
        break;
      case '$in':
        out.push(inTest(arg));
        break;
      case '$nin':
        out.push(negate(inTest(arg)));
        break;
      case '$exists':
        out.push(arg ? existsTest() : negate(existsTest()));
        break;
      case '$regex':
        out.push({ test: regexTest(toRegExp(arg, ops.$options)), expand: true });
        break;
      case '$options':
        if (!('$regex' in ops)) throw new TypeError('$options needs a $regex');
        break;
      case '$not':
        out.push(notTest(arg));
        break;
      case '$elemMatch':
        out.push(elemMatchTest(arg));
        break;
      case '$all':
        out.push(...allTests(arg));
        break;
      case '$size':
        if (typeof arg !== 'number') throw new TypeError('$size needs a number');
        out.push({ test: (v) => Array.isArray(v) && v.length === arg, expand: false });
        break;
    }
  }
  return out;
}

/** A negation: true when the positive test matches nowhere on the path. */
interface NegatedTest extends PathTest {
  negated: true;
}

function negate(t: PathTest): NegatedTest {
  return { test: t.test, expand: t.expand, negated: true };
}

function isNegated(t: PathTest): t is NegatedTest {
  return (t as NegatedTest).negated === true;
}

function pathPredicate(parts: readonly string[], t: PathTest): Predicate {
  const positive = positivePathPredicate(parts, t.test, t.expand);
  if (isNegated(t)) return (d) => !positive(d);
  return positive;
}

function positivePathPredicate(parts: readonly string[], test: ValueTest, expand: boolean): Predicate {
  if (parts.length === 1) {
    const key = parts[0];
    if (expand) {
      return (d) => {
        const v = d[key];
        if (test(v)) return true;
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) if (test(v[i])) return true;
        }
        return false;
      };
    }
    return (d) => test(d[key]);
  }
  return (d) => walk(d, parts, 0, test, expand);
}

/** MongoDB path semantics: arrays met on the way are traversed element by element. */
function walk(value: unknown, parts: readonly string[], i: number, test: ValueTest, expand: boolean): boolean {
  if (i === parts.length) {
    if (test(value)) return true;
    if (expand && Array.isArray(value)) {
      for (let j = 0; j < value.length; j++) if (test(value[j])) return true;
    }
    return false;
  }
  if (Array.isArray(value)) {
    const part = parts[i];
    if (isArrayIndex(part) && walk(value[Number(part)], parts, i + 1, test, expand)) return true;
    for (let j = 0; j < value.length; j++) {
      const e: unknown = value[j];
      if (isPlainObject(e) && walk(e, parts, i, test, expand)) return true;
    }
    return false;
  }
  if (isPlainObject(value)) return walk(value[parts[i]], parts, i + 1, test, expand);
  return test(undefined);
}

function equalityTest(c: unknown): PathTest {
  if (c instanceof RegExp) return { test: regexTest(c), expand: true };
  return { test: equalsValue(c), expand: true };
}

/** Equality to one value, without array expansion (the caller expands). */
function equalsValue(c: unknown): ValueTest {
  switch (typeof c) {
    case 'string':
    case 'boolean':
      return (v) => v === c;
    case 'number':
      if (Number.isNaN(c)) return (v) => typeof v === 'number' && Number.isNaN(v);
      return (v) => v === c;
    case 'undefined':
      return (v) => v === null || v === undefined;
    default:
      break;
  }
  if (c === null) return (v) => v === null || v === undefined;
  if (c instanceof Date) {
    const t = c.getTime();
    return (v) => v instanceof Date && v.getTime() === t;
  }
  return (v) => valuesEqual(v, c);
}

function comparisonTest(op: string, c: unknown): ValueTest {
  const accept =
    op === '$gt' ? (x: number) => x > 0 : op === '$gte' ? (x: number) => x >= 0 : op === '$lt' ? (x: number) => x < 0 : (x: number) => x <= 0;
  if (typeof c === 'number' && !Number.isNaN(c)) {
    switch (op) {
      case '$gt':
        return (v) => typeof v === 'number' && v > c;
      case '$gte':
        return (v) => typeof v === 'number' && v >= c;
      case '$lt':
        return (v) => typeof v === 'number' && v < c;
      default:
        return (v) => typeof v === 'number' && v <= c;
    }
  }
  if (typeof c === 'string') {
    switch (op) {
      case '$gt':
        return (v) => typeof v === 'string' && v > c;
      case '$gte':
        return (v) => typeof v === 'string' && v >= c;
      case '$lt':
        return (v) => typeof v === 'string' && v < c;
      default:
        return (v) => typeof v === 'string' && v <= c;
    }
  }
  if (c instanceof Date) {
    const t = c.getTime();
    return (v) => v instanceof Date && accept(v.getTime() - t);
  }
  if (c === null || c === undefined) {
    // Only $gte/$lte null match, and only null or missing values.
    if (op === '$gte' || op === '$lte') return (v) => v === null || v === undefined;
    return () => false;
  }
  // Type bracketing: only values of the same BSON type compare.
  const rank = typeRank(c);
  return (v) => typeRank(v) === rank && v !== undefined && accept(compareValues(v, c));
}

function inTest(arg: unknown): PathTest {
  if (!Array.isArray(arg)) throw new TypeError('$in/$nin needs an array');
  const primitives = new Set<unknown>();
  const others: ValueTest[] = [];
  for (const c of arg) {
    if (typeof c === 'string' || typeof c === 'boolean' || (typeof c === 'number' && !Number.isNaN(c))) primitives.add(c);
    else if (c instanceof RegExp) others.push(regexTest(c));
    else others.push(equalsValue(c));
  }
  if (others.length === 0) return { test: (v) => primitives.has(v), expand: true };
  return {
    test: (v) => {
      if (primitives.has(v)) return true;
      for (let i = 0; i < others.length; i++) if (others[i](v)) return true;
      return false;
    },
    expand: true,
  };
}

function existsTest(): PathTest {
  return { test: (v) => v !== undefined, expand: false };
}

export function toRegExp(pattern: unknown, options: unknown): RegExp {
  let flags = typeof options === 'string' ? options : '';
  let source: string;
  if (pattern instanceof RegExp) {
    source = pattern.source;
    if (!flags) flags = pattern.flags;
  } else if (typeof pattern === 'string') {
    source = pattern;
  } else {
    throw new TypeError('$regex needs a string or a RegExp');
  }
  // JS has no 'x' (extended) flag; 'g' and 'y' would make test() stateful.
  flags = [...new Set(flags.replace(/[gyx]/g, ''))].join('');
  return new RegExp(source, flags);
}

function regexTest(re: RegExp): ValueTest {
  const r = re.global || re.sticky ? new RegExp(re.source, re.flags.replace(/[gy]/g, '')) : re;
  return (v) => typeof v === 'string' && r.test(v);
}

function notTest(arg: unknown): PathTest {
  if (arg instanceof RegExp) return negate({ test: regexTest(arg), expand: true });
  if (!isOperatorObject(arg)) throw new TypeError('$not needs an operator expression or a regex');
  const inner = compileOperators(arg);
  // NOT of a conjunction of path tests, evaluated on the value at the path.
  const combined = (value: unknown): boolean => {
    for (const t of inner) {
      const ok = testAt(value, t);
      if (!ok) return false;
    }
    return true;
  };
  return negate({ test: combined, expand: false });
}

/** Applies a path test to a value already resolved at the path (used by $not and $elemMatch). */
function testAt(value: unknown, t: PathTest): boolean {
  let ok = t.test(value);
  if (!ok && t.expand && Array.isArray(value)) {
    for (let i = 0; i < value.length && !ok; i++) ok = t.test(value[i]);
  }
  return isNegated(t) ? !ok : ok;
}

function elemMatchTest(arg: unknown): PathTest {
  if (!isPlainObject(arg)) throw new TypeError('$elemMatch needs an object');
  const keys = Object.keys(arg);
  const valueMode = keys.length > 0 && keys.every((k) => FIELD_OPERATORS.has(k));
  let elementTest: ValueTest;
  if (valueMode) {
    const tests = compileOperators(arg);
    elementTest = (e) => {
      for (const t of tests) if (!testAt(e, t)) return false;
      return true;
    };
  } else {
    const pred = compileFilter(arg);
    elementTest = (e) => isPlainObject(e) && pred(e);
  }
  return {
    test: (v) => {
      if (!Array.isArray(v)) return false;
      for (let i = 0; i < v.length; i++) if (elementTest(v[i])) return true;
      return false;
    },
    expand: false,
  };
}

/** $all is the conjunction of one equality (or $elemMatch) per listed value, each matched
 * independently along the path; an empty list matches nothing. */
function allTests(arg: unknown): PathTest[] {
  if (!Array.isArray(arg)) throw new TypeError('$all needs an array');
  if (arg.length === 0) return [{ test: () => false, expand: false }];
  return arg.map((c: unknown) => {
    if (isPlainObject(c) && '$elemMatch' in c) return elemMatchTest(c.$elemMatch);
    return equalityTest(c);
  });
}
