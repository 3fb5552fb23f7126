import type { Filter } from '../../../ports/read-store';

/** A string that is equal for equal filters (Dates, RegExps and nested values included): the
 * key of a cached count and of a kept page. Written out by hand rather than by JSON.stringify
 * with a replacer, which calls back for every key and value (a list request makes two keys). */
export function filterKey(filter: Filter | undefined): string {
  return filter === undefined ? '{}' : keyOf(filter);
}

function keyOf(value: unknown): string {
  if (value === undefined) return '{"$undefined":true}';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Date) return `{"$date":${value.getTime()}}`;
  if (value instanceof RegExp) return `{"$regex":${JSON.stringify(value.source)},"$flags":"${value.flags}"}`;
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + keyOf(value[i]);
    return `${out}]`;
  }
  let out = '{';
  let first = true;
  for (const key of Object.keys(value)) {
    out += `${first ? '' : ','}${JSON.stringify(key)}:${keyOf((value as Record<string, unknown>)[key])}`;
    first = false;
  }
  return `${out}}`;
}
