import type { EventStore, RecordedEvent } from '../ports/event-store';
import { chainHash } from '../ports/hash-chain';

/**
 * Tamper evidence over one stream or the whole store: each event's hash is recomputed from the
 * previous event's hash and its own stream, revision, id, type, data and metadata
 * (src/ports/hash-chain.ts), its stored `prevHash` must be the previous event's hash, and the
 * revisions of each stream must run 0, 1, 2, … without a gap. The first event that fails is the
 * first broken link: changed data or metadata, a removed or inserted event, events reordered.
 *
 * The whole store is read once in log order, keeping per stream only the next revision and the
 * last hash, so memory grows with the number of streams, not events. `LogVerifier` can be saved
 * and restored (the CLI resumes an interrupted verification from it).
 *
 * What a chain cannot show by itself: the last events of a stream removed together (the rest of
 * the chain is intact). An auditor who kept an export, or its last hash, sees it: that hash is
 * no longer the stream's (docs/audit.md).
 */

export interface BrokenLink {
  stream: string;
  revision: number;
  position: number;
  reason: string;
}

export interface VerificationResult {
  ok: boolean;
  /** Events checked. */
  checked: number;
  /** Streams seen. */
  streams: number;
  first_broken: BrokenLink | null;
}

/** What a verification in progress keeps; JSON-safe, to be saved and resumed. */
export interface VerifierSnapshot {
  position: number;
  checked: number;
  firstBroken: BrokenLink | null;
  /** stream → [next expected revision, last hash]. */
  streams: Record<string, [number, string]>;
}

export class LogVerifier {
  private readonly heads = new Map<string, [number, string]>();
  private checkedCount = 0;
  private broken: BrokenLink | null = null;
  /** The log position of the last event fed. */
  position = 0;

  static restore(s: VerifierSnapshot): LogVerifier {
    const v = new LogVerifier();
    for (const [name, head] of Object.entries(s.streams)) v.heads.set(name, head);
    v.checkedCount = s.checked;
    v.broken = s.firstBroken;
    v.position = s.position;
    return v;
  }

  snapshot(): VerifierSnapshot {
    return { position: this.position, checked: this.checkedCount, firstBroken: this.broken, streams: Object.fromEntries(this.heads) };
  }

  /** Checks the next events of the log (or of one stream) in order. */
  feed(events: readonly RecordedEvent[]): void {
    for (const e of events) {
      this.position = e.position;
      this.checkedCount++;
      const [expected, prev] = this.heads.get(e.streamName) ?? [0, ''];
      const reason =
        e.revision !== expected
          ? `expected revision ${expected}, found ${e.revision} (an event is missing or out of order)`
          : e.metadata.prevHash !== prev
            ? 'prevHash is not the hash of the previous event of the stream'
            : chainHash(prev, e) !== e.metadata.hash
              ? 'the hash does not match the event as stored (data, metadata, type or id changed)'
              : null;
      if (reason && !this.broken) this.broken = { stream: e.streamName, revision: e.revision, position: e.position, reason };
      // Go on from the stored hash: one changed event is reported once, not for every event after it.
      this.heads.set(e.streamName, [e.revision + 1, e.metadata.hash]);
    }
  }

  result(): VerificationResult {
    return { ok: this.broken === null, checked: this.checkedCount, streams: this.heads.size, first_broken: this.broken };
  }
}

export interface VerifyOptions {
  /** Events per read (default 2000). */
  pageSize?: number;
  onProgress?: (p: { checked: number; position: number; head: number }) => void;
  signal?: AbortSignal;
  /** Resume a verification of the whole store. */
  from?: LogVerifier;
}

export class VerificationInterruptedError extends Error {
  constructor(readonly verifier: LogVerifier) {
    super(`interrupted at log position ${verifier.position}`);
    this.name = 'VerificationInterruptedError';
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Verifies one stream from revision 0; null when the stream does not exist. */
export async function verifyStream(eventStore: Pick<EventStore, 'readStream'>, stream: string, options: VerifyOptions = {}): Promise<VerificationResult | null> {
  const pageSize = options.pageSize ?? 2000;
  const verifier = new LogVerifier();
  for (let from = 0; ; from += pageSize) {
    const page = await eventStore.readStream(stream, { fromRevision: from, maxCount: pageSize });
    if (from === 0 && page.length === 0) return null;
    verifier.feed(page);
    if (page.length < pageSize) break;
    if (options.signal?.aborted) throw new VerificationInterruptedError(verifier);
    await yieldToEventLoop();
  }
  return verifier.result();
}

/** Verifies every stream of the store, reading the log once in order. */
export async function verifyLog(eventStore: Pick<EventStore, 'readAll' | 'headPosition'>, options: VerifyOptions = {}): Promise<VerificationResult> {
  const pageSize = options.pageSize ?? 2000;
  const verifier = options.from ?? new LogVerifier();
  const head = await eventStore.headPosition();
  for (;;) {
    if (options.signal?.aborted) throw new VerificationInterruptedError(verifier);
    const page = await eventStore.readAll({ fromPosition: verifier.position, maxCount: pageSize });
    verifier.feed(page);
    options.onProgress?.({ checked: verifier.result().checked, position: verifier.position, head: Math.max(head, verifier.position) });
    if (page.length < pageSize) break;
    // An embedded store reads on this thread: let requests in between.
    await yieldToEventLoop();
  }
  return verifier.result();
}
