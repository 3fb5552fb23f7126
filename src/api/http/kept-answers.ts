import type { Request, Response } from 'express';
import type { ReadMark, ReadStore } from '../../ports/read-store';
import { sendJsonText, watchJsonText } from './json-text';

interface Kept {
  /** What it holds, counted against maxBytes: its body, its key (the URL) and a little for the rest. */
  size: number;
  status: number;
  /** The body; for a stamped answer, the part before the stamp. */
  body: Buffer;
  /** A stamped answer's part after the stamp, and what makes the stamp of the request it answers. */
  stamped?: { after: Buffer; restamp: (req: Request) => string };
  /** Whether what the answer was made from besides the read models (the day) still holds. */
  holds?: () => boolean;
  /** The headers the handler set (not those of the middleware before it), to send again. */
  headers: ReadonlyArray<readonly [string, string | number | readonly string[]]>;
  /** The caller's user document the answer was made for (frozen, shared by the store). */
  user: object | undefined;
  mark: ReadMark;
}

/** Requests whose answer holds something made for the moment (a link signed for the hour). */
const madeForTheMoment = new WeakSet<Request>();

/**
 * The answer to `req` is not to be kept, whatever its route declares: it holds something made
 * for this moment (fileUrlFor calls it for each signed link it makes).
 */
export function answerOnce(req: Request): void {
  madeForTheMoment.add(req);
}

/** Stamps of answers (see stampedAnswer), by request. */
const stamps = new WeakMap<Request, { text: string; restamp: (req: Request) => string }>();

/**
 * The answer to `req` holds `text`, made for this request alone (document 004's envelope: the
 * request's id and time). A kept copy is sent to a later request with `restamp(thatRequest)` in
 * its place; the rest of it must not name the request.
 */
export function stampedAnswer(req: Request, text: string, restamp: (req: Request) => string): void {
  stamps.set(req, { text, restamp });
}

/** Conditions of answers besides their reads (see keptWhile), by request. */
const conditions = new WeakMap<Request, () => boolean>();

/**
 * The answer to `req` depends on something besides the read models, such as the business day a
 * summary counts from: a kept copy is sent again only while `holds()` is true.
 */
export function keptWhile(req: Request, holds: () => boolean): void {
  conditions.set(req, holds);
}

/** How much of the keys asked once is remembered (characters; about 2 MB). */
const ASKED_CHARS = 1_000_000;

/** Headers each answer gets anew from sendJsonText and res.send (the app makes no ETag itself: a route's own is kept). */
const SENT_ANEW = new Set(['content-type', 'content-length']);

/** Who asks: an answer kept for one caller is never sent to another. */
function callerOf(req: Request): string {
  if (req.auth) return `${req.auth.audience} ${req.auth.userId} ${req.auth.role} ${req.auth.sessionId}`;
  if (req.portal) return `portal ${req.portal.portalAccountId} ${req.portal.customerId} ${req.portal.accountType} ${req.portal.sessionId}`;
  return 'anonymous';
}

/**
 * The answers of reads made from the read models alone, kept and sent again while nothing they
 * read has changed. A dashboard polling a list, or many clients reading the same page, cost the
 * request's own work (authentication, permissions) and no query or JSON until the next write to a
 * collection the answer read.
 *
 * A route opts in (`keep` in its declaration, src/api/http/route.ts) when its answer is decided by
 * its URL, its caller and the read models, and nothing else: no clock, no link signed for the
 * hour (fileUrlFor marks such an answer, which is then not kept: answerOnce), no header of the
 * request. Two exceptions are declared by the answer itself: a part made for its request alone
 * (stampedAnswer: document 004's request id and time, made anew for each request it is sent to)
 * and a condition besides the reads (keptWhile: the business day a summary counts from). For
 * such a route an answer is kept by the request's URL and caller (token claims, and
 * the very user document the token resolved to, which the store shares frozen until it changes),
 * from the URL's second asking on, with the mark of what its making read (ReadStore.watchReads:
 * each collection as it stood when first read, so a write while it was made shows as a change).
 * It is sent again, with the headers its handler set, while the store says those collections are
 * unchanged. Only 200 answers sent as JSON text (sendJsonText) are kept, and none that names its
 * request's id outside its stamp; anything else is made each time. Stores that cannot tell
 * changes (MongoDB, the memory double) keep nothing.
 *
 * Bounded by `maxBytes` of answers, their URLs counted with them (the oldest kept go first).
 */
export class KeptAnswers {
  private readonly kept = new Map<string, Kept>();
  private bytes = 0;
  /** Keys asked once since the set last filled up: an answer is kept from its second asking on. */
  private readonly asked = new Set<string>();
  private askedChars = 0;

  constructor(
    private readonly store: ReadStore,
    private readonly maxBytes = 16 * 1024 * 1024,
  ) {}

  /** Answers `req` with the answer kept for it, or runs `make` (which answers it) and keeps that answer. */
  async answer(req: Request, res: Response, make: () => Promise<void>): Promise<void> {
    const { store } = this;
    if (this.maxBytes === 0 || store.watchReads === undefined || store.unchanged === undefined) return make();
    const key = `${callerOf(req)}\u0000${req.originalUrl}`;
    const user = req.auth?.user;
    const held = this.kept.get(key);
    if (held !== undefined && held.user === user && store.unchanged(held.mark) && (held.holds === undefined || held.holds())) {
      for (const [name, value] of held.headers) res.setHeader(name, value);
      const { stamped } = held;
      sendJsonText(res, held.status, stamped === undefined ? held.body : Buffer.concat([held.body, Buffer.from(stamped.restamp(req)), stamped.after]));
      return;
    }
    if (held === undefined && this.firstAsking(key)) return make();
    const before = new Map(Object.entries(res.getHeaders()));
    let made: Omit<Kept, 'mark' | 'user' | 'size'> | undefined;
    watchJsonText(res, (status, body, send) => {
      if (status !== 200) return send();
      const headers = Object.entries(res.getHeaders())
        .filter(([name, value]) => !SENT_ANEW.has(name) && value !== undefined && before.get(name) !== value)
        .map(([name, value]) => [name, value!] as const);
      made = { status, body: typeof body === 'string' ? Buffer.from(body) : body, headers };
      send(made.body); // encoded once, for this answer and the next
    });
    const { mark } = await store.watchReads(make);
    this.forget(key);
    if (made === undefined || madeForTheMoment.has(req)) return;
    let { body } = made;
    let stamped: Kept['stamped'];
    const stamp = stamps.get(req);
    if (stamp !== undefined) {
      const at = body.lastIndexOf(stamp.text);
      if (at < 0) return;
      stamped = { after: body.subarray(at + Buffer.byteLength(stamp.text)), restamp: stamp.restamp };
      body = body.subarray(0, at);
    }
    // An answer naming its request elsewhere (an envelope's request id unstamped) is this request's alone.
    const id = req.ctx?.requestId;
    if (id !== undefined && (body.includes(id) || stamped?.after.includes(id) === true)) return;
    // Only an answer made for a frozen user document can be told from one made for another version of it.
    if (user !== undefined && !Object.isFrozen(user)) return;
    const size = made.body.length + 2 * key.length + 256;
    this.keep(key, { status: made.status, headers: made.headers, body, stamped, holds: conditions.get(req), user, mark, size });
  }

  /**
   * Whether `key` is asked for the first time (as far as the set remembers). A URL asked once
   * (a search typed once, a page a client walks past) is made without being kept: keeping costs
   * its bytes, and a stream of such answers churned the kept ones (the bench's lines made at each
   * request: about 60–180 µs more a request). The set forgets everything past ASKED_CHARS.
   */
  private firstAsking(key: string): boolean {
    if (this.asked.has(key)) return false;
    if (this.askedChars + key.length > ASKED_CHARS) {
      this.asked.clear();
      this.askedChars = 0;
    }
    this.asked.add(key);
    this.askedChars += key.length;
    return true;
  }

  private forget(key: string): void {
    const old = this.kept.get(key);
    if (old === undefined) return;
    this.bytes -= old.size;
    this.kept.delete(key);
  }

  private keep(key: string, kept: Kept): void {
    if (kept.size > this.maxBytes / 8) return;
    this.kept.set(key, kept);
    this.bytes += kept.size;
    for (const [oldest, { size }] of this.kept) {
      if (this.bytes <= this.maxBytes) break;
      this.kept.delete(oldest);
      this.bytes -= size;
    }
  }
}
