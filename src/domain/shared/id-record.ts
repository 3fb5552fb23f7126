/**
 * An id-keyed record that grows for as long as its aggregate lives: every stock assignment an
 * item ever had, every notification a user read. States are immutable, so a plain record is
 * copied whole by each event that adds to it: loading the aggregate folds n such events at a
 * cost of n²/2 copies (an item with 10,000 assignments took 25 s, holding the event loop), and
 * every command copies it once more.
 *
 * Here the entries sit in a trie keyed by a hash of the id, 16 ways per level, with small
 * records as leaves: an event copies the path to its leaf (a few arrays of 16) and the leaf (at
 * most 32 entries), and shares everything else with the state before it. The shape depends only
 * on the ids held, not on the order they came in. Plain arrays and objects, so states stay
 * deep-freezable and comparable.
 */
export type IdRecord<V> = readonly IdSlot<V>[];
type IdSlot<V> = IdRecord<V> | Readonly<Record<string, V>> | undefined;

const BITS = 4;
const WIDTH = 1 << BITS;
/** Past this, a leaf becomes a node of 16 (until the hash's 32 bits are used up). */
const LEAF_MAX = 32;
const MAX_DEPTH = 32 / BITS - 1;

/** FNV-1a: ids that share a prefix or a suffix (derived ids, numbers) still spread. */
function hashOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const slotOf = (hash: number, depth: number) => (hash >>> (depth * BITS)) & (WIDTH - 1);

export const emptyIdRecord = <V>(): IdRecord<V> => new Array<IdSlot<V>>(WIDTH).fill(undefined);

export function idRecordGet<V>(record: IdRecord<V>, id: string): V | undefined {
  const hash = hashOf(id);
  let node = record;
  for (let depth = 0; ; depth++) {
    const slot = node[slotOf(hash, depth)];
    if (slot === undefined) return undefined;
    if (!Array.isArray(slot)) {
      const leaf = slot as Readonly<Record<string, V>>;
      return Object.hasOwn(leaf, id) ? leaf[id] : undefined;
    }
    node = slot;
  }
}

/** A new record with `id` set to `value`; `record` is left as it was. */
export function idRecordSet<V>(record: IdRecord<V>, id: string, value: V): IdRecord<V> {
  return setIn(record, id, hashOf(id), value, 0);
}

function setIn<V>(node: IdRecord<V>, id: string, hash: number, value: V, depth: number): IdRecord<V> {
  const copy = node.slice();
  const i = slotOf(hash, depth);
  const slot = node[i];
  if (Array.isArray(slot)) {
    copy[i] = setIn(slot as IdRecord<V>, id, hash, value, depth + 1);
    return copy;
  }
  const leaf: Record<string, V> = { ...(slot as Readonly<Record<string, V>> | undefined), [id]: value };
  copy[i] = depth < MAX_DEPTH && Object.keys(leaf).length > LEAF_MAX ? split(leaf, depth + 1) : leaf;
  return copy;
}

function split<V>(leaf: Readonly<Record<string, V>>, depth: number): IdRecord<V> {
  let node = emptyIdRecord<V>();
  for (const [id, value] of Object.entries(leaf)) node = setIn(node, id, hashOf(id), value, depth);
  return node;
}

/** How many entries the record holds. */
export function idRecordSize(record: IdRecord<unknown>): number {
  let n = 0;
  for (const slot of record) {
    if (slot === undefined) continue;
    n += Array.isArray(slot) ? idRecordSize(slot as IdRecord<unknown>) : Object.keys(slot).length;
  }
  return n;
}
