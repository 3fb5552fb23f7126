import type { Filter } from '../../ports/read-store';

/**
 * Indexed search for read models (customers, users). A document keeps `search_tokens`: the
 * lower-cased, accent-free words of its searchable fields, plus each field with separators
 * removed ("0812-3456" → "08123456", "ana.wijaya@x.id" → "anawijayaxid"). A search matches
 * when every word of it begins one of the tokens, so a multikey index on `search_tokens`
 * narrows the candidates instead of a scan (DESIGN.md §2). Semantics: case- and
 * accent-insensitive word-prefix search ("bud san" finds "Budi Santoso").
 */

export const SEARCH_TOKENS = 'search_tokens';

function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
}

function words(text: string): string[] {
  return fold(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** The tokens to store for a document's searchable texts (sorted, without duplicates). */
export function searchTokens(...texts: readonly (string | null | undefined)[]): string[] {
  const out = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    const ws = words(text);
    for (const w of ws) out.add(w);
    if (ws.length > 1) out.add(ws.join(''));
  }
  return [...out].sort();
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What a search string asks for: its words, or one run of digits for a phone-like search. */
export function searchTerms(search: string): string[] {
  if (/^[\d\s\-+().]+$/.test(search) && /\d/.test(search)) return [search.replace(/\D+/g, '')];
  return [...new Set(words(search))].sort((a, b) => b.length - a.length);
}

/**
 * The filter for a search: an anchored regex per word (`^word`), each met by some token. A
 * `^literal` regex is a prefix range on one element of the multikey index (MongoDB derives the
 * index bounds from it; the SQLite store looks it up in the field's side table), so no separate
 * range is needed: a `$gte`/`$lt` pair on an array field may be met by two different elements,
 * which makes each bound a condition of its own that nearly every document meets. Null when the
 * search holds no word at all (it then filters nothing).
 */
export function searchFilter(search: string, field = SEARCH_TOKENS): Filter | null {
  const terms = searchTerms(search);
  if (terms.length === 0) return null;
  const conditions = terms.map((t) => ({ [field]: { $regex: `^${escapeRegex(t)}` } }));
  return conditions.length === 1 ? conditions[0]! : { $and: conditions };
}
