import { AppendTooLargeError, type EventStore, type ExpectedRevision, type NewEvent, type RecordedEvent } from '../ports/event-store';
import { canonicalJson, chainHash, hashedMetadata } from '../ports/hash-chain';

/**
 * Copies an event log from one event store into another (the embedded SQLite store into
 * EventStoreDB, in practice; any two port implementations work).
 *
 * - Order: the source is replayed in global order, one page of `$all` at a time, so the target's
 *   global order is the source's. Consecutive events of one stream go in one append, up to
 *   `maxAppendBytes` of them as the target counts them (EventStoreDB refuses a whole append over
 *   its MaxAppendSize, 1,048,576 bytes by default): see `estimateAppendBytes`. An append the
 *   target refuses as too large anyway (AppendTooLargeError: a server with a lower limit) wrote
 *   nothing, so it is split in halves and appended again, and the rest of the run keeps under
 *   the limit the target reported; only a single event over the limit stops the copy.
 * - Revisions: every append names the revision the target stream must be at (the source event's
 *   revision - 1, or no_stream), so the target's revisions are the source's.
 * - Hashes: the caller-supplied metadata is copied exactly; the target computes the hash chain
 *   over the same inputs (stream, revision, id, type, data, metadata, previous hash), so its
 *   hashes must equal the source's. Each append's stored hashes are compared at once and the
 *   copy stops on the first difference.
 * - Resumable: before copying a stream's events, the target stream's last revision is read once;
 *   events the target already has are skipped (the one at its head must have the same id). An
 *   interrupted run (crash, Ctrl-C, a lost acknowledgement) is finished by running it again, and
 *   a later run copies whatever the source gained since.
 * - Verification: afterwards every stream is compared event by event (ids, types, data, metadata,
 *   prevHash and hash), the target's chains are recomputed, and both logs are walked side by side
 *   to check the global order.
 *
 * Nothing is printed here; progress goes to `onProgress` (the CLI prints it).
 */

export type MigrationPhase = 'counting' | 'copying' | 'verifying' | 'done';

export interface MigrationProgress {
  phase: MigrationPhase;
  /** Events in the source (known once counted). */
  total: number;
  /** Events handled: copied + skipped. */
  processed: number;
  copied: number;
  /** Already in the target (an earlier run). */
  skipped: number;
  streams: number;
  elapsedMs: number;
  /** Events handled per second while copying. */
  eventsPerSecond: number;
  /** Estimated time left for the copy, null until there is a rate. */
  etaMs: number | null;
  /** Streams verified so far (verifying phase). */
  verifiedStreams: number;
}

export interface VerificationReport {
  ok: boolean;
  streams: number;
  events: number;
  /** The first problems found (at most 20), e.g. "ticket-1@3: hash differs". */
  problems: string[];
  /** All problems found, including those not listed. */
  problemCount: number;
}

export interface MigrationResult {
  total: number;
  copied: number;
  skipped: number;
  streams: number;
  elapsedMs: number;
  verification: VerificationReport | null;
}

export interface MigrateEventsOptions {
  source: EventStore;
  target: EventStore;
  onProgress?: (progress: MigrationProgress) => void;
  /** Report progress at least every this many events... (default 1000) */
  progressEveryEvents?: number;
  /** ...and at least every this many milliseconds (default 2000). */
  progressEveryMs?: number;
  /** Events per source page and per verification read (default 1000). */
  pageSize?: number;
  /**
   * Largest append, in bytes as EventStoreDB counts them (see estimateAppendBytes); default
   * 786,432: EventStoreDB's default MaxAppendSize (1,048,576) less a quarter as a margin.
   */
  maxAppendBytes?: number;
  /** Compare source and target afterwards (default true). */
  verify?: boolean;
  /** Stops the copy after the append in progress (the next run resumes). */
  signal?: AbortSignal;
  now?: () => number;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export class MigrationInterruptedError extends Error {
  constructor(readonly copied: number) {
    super(`Migration interrupted after copying ${copied} events; run it again to resume`);
    this.name = 'MigrationInterruptedError';
  }
}

const MAX_LISTED_PROBLEMS = 20;

/** EventStoreDB's default MaxAppendSize. */
export const EVENTSTOREDB_MAX_APPEND_SIZE = 1_048_576;

/** The default append budget: EventStoreDB's limit less a quarter, for what the estimate cannot see. */
export const DEFAULT_MAX_APPEND_BYTES = Math.floor(EVENTSTOREDB_MAX_APPEND_SIZE * 0.75);

/**
 * What the target adds to each event's metadata that the copied metadata does not hold yet: the
 * hash chain (`"prevHash":"<64 hex>","hash":"<64 hex>"`, about 150 bytes) and the `$` of
 * `$correlationId`/`$causationId`, rounded up.
 */
export const PER_EVENT_OVERHEAD_BYTES = 192;

/** Consecutive parts of `events`, each within `maxBytes` by the estimate (an event larger than that alone). */
export function splitByBytes(events: readonly RecordedEvent[], maxBytes: number): RecordedEvent[][] {
  const parts: RecordedEvent[][] = [];
  let part: RecordedEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = estimateAppendBytes(toNewEvent(event));
    if (part.length > 0 && bytes + size > maxBytes) {
      parts.push(part);
      part = [];
      bytes = 0;
    }
    part.push(event);
    bytes += size;
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

/**
 * An event's size as EventStoreDB counts it against MaxAppendSize (Event.SizeOnDisk: data bytes +
 * metadata bytes + 2 × the type's length), from the JSON the target will send, plus the
 * metadata the target adds (PER_EVENT_OVERHEAD_BYTES). An over-estimate, never an under-estimate.
 */
export function estimateAppendBytes(event: NewEvent): number {
  return (
    Buffer.byteLength(JSON.stringify(event.data)) +
    Buffer.byteLength(JSON.stringify(event.metadata)) +
    2 * event.type.length +
    PER_EVENT_OVERHEAD_BYTES
  );
}

/** What the target needs to store an event exactly as the source has it (it computes prevHash and hash itself). */
export function toNewEvent(event: RecordedEvent): NewEvent {
  return { id: event.id, type: event.type, data: event.data, metadata: hashedMetadata(event.metadata) };
}

/** The revision a target stream must be at before `event` is appended to it. */
export function expectedBefore(event: RecordedEvent): ExpectedRevision {
  return event.revision === 0 ? 'no_stream' : event.revision - 1;
}

/** Differences between a source event and its copy, [] when they are the same. */
export function compareEvents(source: RecordedEvent, target: RecordedEvent | undefined): string[] {
  const at = `${source.streamName}@${source.revision}`;
  if (!target) return [`${at}: missing in the target`];
  const problems: string[] = [];
  if (target.id !== source.id) problems.push(`${at}: id ${target.id} instead of ${source.id}`);
  if (target.revision !== source.revision) problems.push(`${at}: revision ${target.revision} in the target`);
  if (target.type !== source.type) problems.push(`${at}: type ${target.type} instead of ${source.type}`);
  if (canonicalJson(target.data) !== canonicalJson(source.data)) problems.push(`${at}: data differs`);
  if (canonicalJson(hashedMetadata(target.metadata)) !== canonicalJson(hashedMetadata(source.metadata))) problems.push(`${at}: metadata differs`);
  if (target.metadata.prevHash !== source.metadata.prevHash) problems.push(`${at}: prevHash differs`);
  if (target.metadata.hash !== source.metadata.hash) problems.push(`${at}: hash differs`);
  return problems;
}

/** Counts the events of a store by paging through its log. */
export async function countEvents(store: EventStore, pageSize = 1000): Promise<number> {
  let count = 0;
  let fromPosition: number | undefined;
  for (;;) {
    const page = await store.readAll({ fromPosition, maxCount: pageSize });
    if (page.length === 0) return count;
    count += page.length;
    fromPosition = page[page.length - 1]!.position;
  }
}

export async function migrateEvents(options: MigrateEventsOptions): Promise<MigrationResult> {
  const { source, target } = options;
  const pageSize = options.pageSize ?? 1000;
  let maxAppendBytes = options.maxAppendBytes ?? DEFAULT_MAX_APPEND_BYTES;
  if (!(Number.isInteger(maxAppendBytes) && maxAppendBytes > 0)) throw new RangeError('maxAppendBytes must be a positive integer');
  const everyEvents = options.progressEveryEvents ?? 1000;
  const everyMs = options.progressEveryMs ?? 2000;
  const now = options.now ?? Date.now;
  const started = now();

  const progress: MigrationProgress = {
    phase: 'counting',
    total: 0,
    processed: 0,
    copied: 0,
    skipped: 0,
    streams: 0,
    elapsedMs: 0,
    eventsPerSecond: 0,
    etaMs: null,
    verifiedStreams: 0,
  };
  let copyStarted = started;
  let copyEnded: number | undefined;
  let lastReportAt = started;
  let lastReportProcessed = -1;
  const report = (force = false) => {
    const t = now();
    if (!force && progress.processed - lastReportProcessed < everyEvents && t - lastReportAt < everyMs) return;
    progress.elapsedMs = t - started;
    const copyMs = (copyEnded ?? t) - copyStarted;
    progress.eventsPerSecond = copyMs > 0 ? Math.round((progress.processed * 1000) / copyMs) : 0;
    progress.etaMs =
      progress.phase === 'copying' && progress.eventsPerSecond > 0
        ? Math.round(((progress.total - progress.processed) * 1000) / progress.eventsPerSecond)
        : progress.phase === 'copying'
          ? null
          : 0;
    lastReportAt = t;
    lastReportProcessed = progress.processed;
    options.onProgress?.({ ...progress });
  };

  report(true);
  progress.total = await countEvents(source, pageSize);
  progress.phase = 'copying';
  copyStarted = now();
  report(true);

  /** Last revision (and its event id) the target has for each stream seen. */
  const targetHeads = new Map<string, { revision: number; id: string | undefined }>();
  const targetHead = async (streamName: string) => {
    let head = targetHeads.get(streamName);
    if (!head) {
      const [last] = await target.readStream(streamName, { direction: 'backwards', maxCount: 1 });
      head = { revision: last?.revision ?? -1, id: last?.id };
      targetHeads.set(streamName, head);
      progress.streams = targetHeads.size;
    }
    return head;
  };

  /** Appends consecutive events of one stream; an append refused as too large is split in halves. */
  const append = async (events: RecordedEvent[]): Promise<void> => {
    const first = events[0]!;
    let result;
    try {
      result = await target.appendToStream(first.streamName, events.map(toNewEvent), { expectedRevision: expectedBefore(first) });
    } catch (error) {
      if (!(error instanceof AppendTooLargeError)) throw error;
      // Nothing of it was written. Keep the rest of the copy under the limit the target reported.
      if (error.maxAppendBytes !== undefined) maxAppendBytes = Math.min(maxAppendBytes, Math.max(1, Math.floor(error.maxAppendBytes * 0.75)));
      if (events.length === 1) {
        throw new MigrationError(
          `${first.streamName}@${first.revision}: the target refuses this event alone as larger than its maximum append size` +
            `${error.maxAppendBytes !== undefined ? ` (${error.maxAppendBytes} bytes)` : ''}; raise the target's limit ` +
            '(EventStoreDB: MaxAppendSize) and run the command again to resume',
        );
      }
      // Under the reported limit by the estimate, or in halves when that does not split it.
      let parts = error.maxAppendBytes !== undefined ? splitByBytes(events, maxAppendBytes) : [];
      if (parts.length < 2) parts = [events.slice(0, Math.ceil(events.length / 2)), events.slice(Math.ceil(events.length / 2))];
      for (const part of parts) await append(part);
      return;
    }
    for (const [i, stored] of result.events.entries()) {
      const original = events[i]!;
      if (stored.revision !== original.revision || stored.metadata.hash !== original.metadata.hash) {
        throw new MigrationError(
          `${original.streamName}@${original.revision}: the target stored revision ${stored.revision} with hash ` +
            `${stored.metadata.hash}, the source has ${original.metadata.hash}; stopping`,
        );
      }
    }
    progress.copied += events.length;
    progress.processed += events.length;
    report();
  };

  let run: RecordedEvent[] = [];
  let runBytes = 0;
  const flush = async () => {
    if (run.length === 0) return;
    const events = run;
    run = [];
    runBytes = 0;
    await append(events);
  };

  let fromPosition: number | undefined;
  for (;;) {
    if (options.signal?.aborted) {
      await flush();
      throw new MigrationInterruptedError(progress.copied);
    }
    const page = await source.readAll({ fromPosition, maxCount: pageSize });
    if (page.length === 0) break;
    for (const event of page) {
      const head = await targetHead(event.streamName);
      if (event.revision <= head.revision) {
        if (event.revision === head.revision && head.id !== undefined && head.id !== event.id) {
          throw new MigrationError(
            `${event.streamName}@${event.revision}: the target already has event ${head.id} there, the source has ${event.id}; ` +
              'the target holds a different history (migrate into an empty store)',
          );
        }
        progress.skipped++;
        progress.processed++;
        continue;
      }
      if (event.revision !== head.revision + 1) {
        throw new MigrationError(
          `${event.streamName}@${event.revision}: the target stream is at revision ${head.revision}; ` +
            'events are missing in between (migrate into an empty store)',
        );
      }
      const bytes = estimateAppendBytes(toNewEvent(event));
      if (run.length > 0 && (run[0]!.streamName !== event.streamName || run.length >= pageSize || runBytes + bytes > maxAppendBytes)) await flush();
      run.push(event);
      runBytes += bytes;
      head.revision = event.revision;
      head.id = event.id;
    }
    await flush();
    fromPosition = page[page.length - 1]!.position;
    report();
  }
  await flush();
  if (lastReportProcessed !== progress.processed) report(true);
  copyEnded = now();

  let verification: VerificationReport | null = null;
  if (options.verify ?? true) {
    progress.phase = 'verifying';
    report(true);
    verification = await verifyMigration(source, target, [...targetHeads.keys()], pageSize, () => {
      progress.verifiedStreams++;
      report();
    });
  }
  progress.phase = 'done';
  report(true);
  return {
    total: progress.total,
    copied: progress.copied,
    skipped: progress.skipped,
    streams: targetHeads.size,
    elapsedMs: now() - started,
    verification,
  };
}

/**
 * Compares every stream of the source with the target (events and hashes, and the target's
 * chain recomputed), then walks both logs side by side to compare the global order.
 */
export async function verifyMigration(
  source: EventStore,
  target: EventStore,
  streams: readonly string[],
  pageSize = 1000,
  onStream: () => void = () => undefined,
): Promise<VerificationReport> {
  const problems: string[] = [];
  let problemCount = 0;
  const problem = (text: string) => {
    problemCount++;
    if (problems.length < MAX_LISTED_PROBLEMS) problems.push(text);
  };
  let events = 0;

  for (const streamName of streams) {
    let prevHash = '';
    for (let fromRevision = 0; ; fromRevision += pageSize) {
      const [mine, theirs] = await Promise.all([
        source.readStream(streamName, { fromRevision, maxCount: pageSize }),
        target.readStream(streamName, { fromRevision, maxCount: pageSize }),
      ]);
      for (const [i, original] of mine.entries()) {
        const copy = theirs[i];
        for (const p of compareEvents(original, copy)) problem(p);
        if (copy) {
          if (copy.metadata.prevHash !== prevHash || chainHash(prevHash, copy) !== copy.metadata.hash) {
            problem(`${streamName}@${copy.revision}: the target's hash chain does not verify`);
          }
          prevHash = copy.metadata.hash;
        }
        events++;
      }
      if (theirs.length > mine.length) problem(`${streamName}: the target has ${theirs.length - mine.length} more event(s) from revision ${fromRevision + mine.length}`);
      if (mine.length < pageSize) break;
    }
    onStream();
  }

  // Global order: both logs, side by side.
  let sourceFrom: number | undefined;
  let targetFrom: number | undefined;
  let index = 0;
  for (;;) {
    const [a, b] = await Promise.all([
      source.readAll({ fromPosition: sourceFrom, maxCount: pageSize }),
      target.readAll({ fromPosition: targetFrom, maxCount: pageSize }),
    ]);
    const n = Math.min(a.length, b.length);
    let mismatch = false;
    for (let i = 0; i < n; i++, index++) {
      if (a[i]!.id !== b[i]!.id) {
        problem(`global order differs at event #${index + 1}: source ${a[i]!.streamName}@${a[i]!.revision}, target ${b[i]!.streamName}@${b[i]!.revision}`);
        mismatch = true;
        break;
      }
    }
    if (mismatch) break;
    if (a.length !== b.length) {
      problem(a.length > b.length ? `the target log ends after ${index} events` : `the target log has events after the source's ${index}`);
      break;
    }
    if (a.length === 0) break;
    sourceFrom = a[a.length - 1]!.position;
    targetFrom = b[b.length - 1]!.position;
  }

  return { ok: problemCount === 0, streams: streams.length, events, problems, problemCount };
}
