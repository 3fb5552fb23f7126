import type { Filter } from '../../ports/read-store';

/**
 * Indexed search for the inventory read models (devices, device assignments, items, people),
 * where one word can match tens of thousands of documents ("dell"): a document keeps
 * `search_keys`, its folded words with their prefixes of 1 to PREFIX_LENGTH characters, and a
 * search asks for equality on the longest search word cut to that length. Equality on a
 * multikey index followed by the list's sort fields lets the store walk the index in list order
 * and stop after one page, so a page costs about the same whether the word matches twenty
 * documents or fifty thousand (DESIGN.md section 9); anchored regexes on the same keys then
 * check every word in full.
 *
 * Codes (serial numbers, asset codes, SKUs, personnel numbers) are kept as one word with their
 * separators removed ("COMP/LAP/0725/098" → "complap0725098"), and a text of several words also
 * as its words joined ("Latitude 5420" → "latitude5420"). A search without spaces is read the
 * same way, as one word ("COMP/LAP/0725", "latitude-54"); a search with spaces is several words,
 * each of which must begin a word of the document ("lati 54" finds "Latitude 5420").
 * Case- and accent-insensitive.
 */
export const SEARCH_KEYS = 'search_keys';
export const PREFIX_LENGTH = 4;

function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
}

function wordsOf(text: string): string[] {
  return fold(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** A code as one word: folded, separators removed. */
function codeWord(text: string): string {
  return wordsOf(text).join('');
}

function addWord(out: Set<string>, word: string): void {
  if (!word) return;
  out.add(word);
  for (let n = 1; n < Math.min(word.length, PREFIX_LENGTH + 1); n++) out.add(word.slice(0, n));
}

/** The keys to store for some texts (words, and the words joined) and codes (one word). Sorted, distinct. */
export function searchKeys(texts: ReadonlyArray<string | null | undefined>, codes: ReadonlyArray<string | null | undefined> = []): string[] {
  const out = new Set<string>();
  for (const t of texts) {
    if (!t) continue;
    const ws = wordsOf(t);
    for (const w of ws) addWord(out, w);
    if (ws.length > 1) addWord(out, ws.join(''));
  }
  for (const c of codes) if (c) addWord(out, codeWord(c));
  return [...out].sort();
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The words a search asks for, longest first: one (its words joined) when it has no spaces. */
export function searchWords(search: string): string[] {
  const trimmed = search.trim();
  if (!/\s/.test(trimmed)) {
    const code = codeWord(trimmed);
    return code ? [code] : [];
  }
  return [...new Set(wordsOf(trimmed))].sort((a, b) => b.length - a.length);
}

/**
 * The filter for a search, or null when it holds no word: equality on the longest word's key
 * (its first PREFIX_LENGTH characters), the other short words by equality too, long words by an
 * anchored regex on the keys (which hold every whole word).
 */
export function searchKeyFilter(search: string, field = SEARCH_KEYS): Filter | null {
  const words = searchWords(search);
  if (words.length === 0) return null;
  const conditions: Filter[] = [{ [field]: words[0]!.slice(0, PREFIX_LENGTH) }];
  for (const [i, w] of words.entries()) {
    if (w.length > PREFIX_LENGTH) conditions.push({ [field]: { $regex: `^${escapeRegex(w)}` } });
    else if (i > 0) conditions.push({ [field]: w });
  }
  return conditions.length === 1 ? conditions[0]! : { $and: conditions };
}
