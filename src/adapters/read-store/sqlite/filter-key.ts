import type { Filter } from '../../../ports/read-store';

/** A string that is equal for equal filters (Dates, RegExps and nested values included): the
 * key of a cached count. */
export function filterKey(filter: Filter | undefined): string {
  if (filter === undefined) return '{}';
  return JSON.stringify(filter, function (this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return { $date: raw.getTime() };
    if (raw instanceof RegExp) return { $regex: raw.source, $flags: raw.flags };
    if (raw === undefined) return { $undefined: true };
    return value;
  });
}
