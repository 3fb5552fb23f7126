import { emptyIdRecord, idRecordGet, idRecordSet, idRecordSize, type IdRecord } from './id-record';

/** Slots and entries held by the arrays and leaves of `next` that `previous` does not share:
 * what setting one entry copied. */
function copiedBy(previous: IdRecord<unknown>, next: IdRecord<unknown>): number {
  const shared = new Set<object>();
  const collect = (node: object) => {
    shared.add(node);
    if (Array.isArray(node)) for (const slot of node) if (slot !== undefined) collect(slot as object);
  };
  collect(previous);
  const count = (node: object): number => {
    if (shared.has(node)) return 0;
    if (!Array.isArray(node)) return Object.keys(node).length;
    return node.length + node.reduce((n: number, slot: object | undefined) => n + (slot === undefined ? 0 : count(slot)), 0);
  };
  return count(next);
}

describe('IdRecord', () => {
  it('gets what was set, leaves the record it was given as it was, and knows its size', () => {
    const empty = emptyIdRecord<number>();
    const one = idRecordSet(empty, 'a', 1);
    const two = idRecordSet(idRecordSet(one, 'b', 2), 'a', 3);
    expect(idRecordGet(empty, 'a')).toBeUndefined();
    expect(idRecordGet(one, 'a')).toBe(1);
    expect(idRecordGet(one, 'b')).toBeUndefined();
    expect([idRecordGet(two, 'a'), idRecordGet(two, 'b')]).toEqual([3, 2]);
    expect([idRecordSize(empty), idRecordSize(one), idRecordSize(two)]).toEqual([0, 1, 2]);
  });

  it('answers only its own entries, whatever the id (no inherited property is an entry)', () => {
    const r = idRecordSet(emptyIdRecord<string>(), '__proto__', 'set');
    expect(idRecordGet(r, '__proto__')).toBe('set');
    for (const id of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) expect(idRecordGet(r, id)).toBeUndefined();
    expect(idRecordGet(idRecordSet(emptyIdRecord<string>(), 'constructor', 'x'), 'toString')).toBeUndefined();
  });

  it('setting an entry in a record of thousands copies the path to its leaf and the leaf, not the record', () => {
    // Derived ids sharing a long prefix and numbered suffixes: the hash spreads them anyway.
    let r = emptyIdRecord<true>();
    for (let i = 0; i < 20_000; i++) r = idRecordSet(r, `notification:user-42:${i}`, true);
    expect(idRecordSize(r)).toBe(20_000);
    const next = idRecordSet(r, 'notification:user-42:20000', true);
    // A few levels of 16 slots and a leaf of at most 32: a plain record would copy all 20,001.
    expect(copiedBy(r, next)).toBeLessThanOrEqual(5 * 16 + 32);
    expect(idRecordGet(next, 'notification:user-42:20000')).toBe(true);
    expect(idRecordGet(r, 'notification:user-42:20000')).toBeUndefined();
    for (let i = 0; i < 20_000; i += 997) expect(idRecordGet(next, `notification:user-42:${i}`)).toBe(true);
  });

  it('has one shape for one set of ids, whatever order they came in', () => {
    const ids = Array.from({ length: 3_000 }, (_, i) => `a-${i}`);
    const forwards = ids.reduce((r, id) => idRecordSet(r, id, id.length), emptyIdRecord<number>());
    const backwards = [...ids].reverse().reduce((r, id) => idRecordSet(r, id, id.length), emptyIdRecord<number>());
    expect(backwards).toEqual(forwards);
    expect(idRecordSize(forwards)).toBe(3_000);
  });
});
