import type { Response } from 'express';

/**
 * JSON made before the response: the text of a list item, serialised once and reused by the
 * pages that show the same item again (PresentedTexts), then written into the page as it is.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

/**
 * The JSON of `value`, as JSON.stringify makes it, with each JsonText in it written as its text.
 * It walks plain objects and arrays in JavaScript, so it is for the small envelope around made
 * texts (a page's items and its pagination), not for large values: JSON.stringify those.
 */
export function jsonWithTexts(value: unknown): string {
  if (value instanceof JsonText) return value.text;
  if (Array.isArray(value)) return `[${value.map((v) => (isSkipped(v) ? 'null' : jsonWithTexts(v))).join(',')}]`;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    const members: string[] = [];
    for (const [key, v] of Object.entries(value)) {
      if (!isSkipped(v)) members.push(`${JSON.stringify(key)}:${jsonWithTexts(v)}`);
    }
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What JSON.stringify leaves out of an object and writes as null in an array. */
const isSkipped = (v: unknown): boolean => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/** Sends the answer: `body` as given, or the same JSON's UTF-8 bytes in its place. */
type Send = (bytes?: Buffer) => void;
/** Who sees an answer's JSON before it is sent (the Idempotency-Key record, kept answers). */
const textWatchers = new WeakMap<Response, (status: number, body: string | Buffer, send: Send) => void>();

/**
 * `watch` gets each JSON text answer of `res` before it goes out, and sends it with `send` (given
 * the answer's bytes when it made them, so they are not encoded twice).
 */
export function watchJsonText(res: Response, watch: (status: number, body: string | Buffer, send: Send) => void): void {
  textWatchers.set(res, watch);
}

/**
 * Answers `body` (made by jsonWithTexts, or its UTF-8 bytes when the answer is kept and sent
 * again) with the headers res.json would have sent.
 */
export function sendJsonText(res: Response, status: number, body: string | Buffer): void {
  const send = (bytes?: Buffer) => {
    const sent = bytes ?? body;
    res.status(status);
    if (!res.get('Content-Type')) res.set('Content-Type', typeof sent === 'string' ? 'application/json' : 'application/json; charset=utf-8');
    res.send(sent);
  };
  const watch = textWatchers.get(res);
  if (watch === undefined) send();
  else watch(status, body, send);
}

const NOTHING: readonly unknown[] = [];

/**
 * The JSON text of what a presenter makes of a document, remembered per document object and the
 * other objects the item shows (a ticket's customer and technician, found in the page's
 * context). The SQLite read store hands a page the same frozen object for a document until the
 * document changes (FindOptions `readonly`), and so do the lookups of the page's parties: a page
 * of unchanged items is then serialised once, not at every request. Another version of the
 * document, or of an object it shows, is a different object and is presented again. Only frozen
 * objects are remembered (a store that hands out fresh copies gets nothing from it, and a copy
 * could change); an entry goes with its document object. What is held is thus bounded by what
 * the store keeps of its documents (the SQLite store's parse cache, 32 MB of document JSON by
 * default): one text per held document and presenter, each the JSON of one list item.
 *
 * One instance per presenter (the text is that presenter's), made where the routes are made.
 * The presenter must make its item from the document and the shown objects alone: no clock.
 */
export class PresentedTexts<D extends object, C = void> {
  private readonly texts = new WeakMap<D, { shown: readonly unknown[]; text: JsonText }>();

  constructor(
    private readonly present: (doc: D, context: C) => unknown,
    /** The objects besides the document that the item shows, from the context. */
    private readonly shownOf: (doc: D, context: C) => readonly unknown[] = () => NOTHING,
  ) {}

  /** The items of a page, in order. */
  page(docs: readonly D[], context: C): JsonText[] {
    return docs.map((doc) => this.textOf(doc, context));
  }

  textOf(doc: D, context: C): JsonText {
    const shown = this.shownOf(doc, context);
    const held = this.texts.get(doc);
    if (held && sameShown(held.shown, shown)) return held.text;
    const text = new JsonText(JSON.stringify(this.present(doc, context)));
    if (keepable(doc, shown)) this.texts.set(doc, { shown, text });
    return text;
  }
}

/** Whether what an item shows now is, object for object, what it showed when it was made. */
export const sameShown = (held: readonly unknown[], now: readonly unknown[]): boolean =>
  held.length === now.length && held.every((s, i) => s === now[i]);

/**
 * Whether what was made of `doc` and `shown` may be kept beside them: only when all are frozen
 * (shared by the store until they change), never for copies, which could change in place.
 */
export const keepable = (doc: object, shown: readonly unknown[]): boolean =>
  Object.isFrozen(doc) && shown.every((s) => s === undefined || s === null || Object.isFrozen(s));
