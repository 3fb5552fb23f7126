import type { Filter } from '../../ports/read-store';

/**
 * Indexed search for the inventory read models (devices, device assignments, items, people),
 * where one word can match tens of thousands of documents ("dell"): a document keeps
 * `search_keys`, its folded words with their prefixes of PREFIX_LENGTHS characters, and a
 * search asks for equality on the longest search word cut to the longest of those lengths it
 * has (so "sn0005000" looks up "sn000500", not every "sn00…"). Equality on a
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
/** Every prefix up to 4 characters (short words are the broad ones), then a few longer ones. */
export const PREFIX_LENGTHS = [1, 2, 3, 4, 6, 8, 12, 16] as const;
export const PREFIX_LENGTH = 4;

/** The longest prefix length a word of `n` characters is looked up by. */
const lookupLength = (n: number): number => PREFIX_LENGTHS.filter((p) => p <= n).pop() ?? n;

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
  for (const n of PREFIX_LENGTHS) if (n < word.length) out.add(word.slice(0, n));
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
 * (the longest prefix of it that documents keep), the other words by equality too when they are
 * keys, and an anchored regex on the keys (which hold every whole word) for each word longer
 * than its key.
 */
export function searchKeyFilter(search: string, field = SEARCH_KEYS): Filter | null {
  const words = searchWords(search);
  if (words.length === 0) return null;
  const conditions: Filter[] = [];
  for (const w of words) {
    const key = w.slice(0, lookupLength(w.length));
    conditions.push({ [field]: key });
    if (key.length < w.length) conditions.push({ [field]: { $regex: `^${escapeRegex(w)}` } });
  }
  return conditions.length === 1 ? conditions[0]! : { $and: conditions };
}
