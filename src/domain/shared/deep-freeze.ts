/**
 * Freezes a value and everything it holds (own enumerable fields), in place, and returns it. Frozen
 * parts are not walked again, so freezing a value whose parts are already frozen (a state sharing
 * most of the one before it, a document handed out before) costs little. Dates keep their time
 * settable: freezing does not reach internal slots. Used where one object is shared by readers
 * that must not change it: the held aggregate states (src/commands/aggregate-states.ts) and the
 * read store's documents handed out for reading only (FindOptions `readonly`).
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const inner of Object.values(value as object)) deepFreeze(inner);
  return value;
}
