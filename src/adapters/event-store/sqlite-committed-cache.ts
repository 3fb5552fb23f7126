import type { RecordedEvent } from '../../ports/event-store';
import type { EventRow } from './sqlite-statements';
import { spareUsed, trimOldest, type Marked } from '../../domain/shared/bounded-map';

/**
 * The events this process committed lately, kept on the main thread as the rows the file holds
 * (JSON text, parsed again for every reader), so that the reads which follow an append do not
 * go back to the file. Every commit of the writer thread invalidates the read connection's page
 * cache, so under a stream of appends each read of the file paid for its pages again (50–90 µs
 * for a one-event stream, against 7 µs on a quiet file).
 *
 * Two views, both fed by the writer's answers, in commit order, before the appends settle:
 * - the last `recentEvents` events by position: what the subscriptions read right after a
 *   commit. A range is answered here only when every committed event after its start is held
 *   (positions can skip a number where an append was rolled back, so "held" means "after the
 *   position the view started from, or last dropped"), otherwise from the file.
 * - whole streams by name (at most `eventsPerStream` events each, `streamEvents` in all; the
 *   oldest dropped first unless read since it was last passed over: a second chance, which
 *   costs a read a flag where moving the entry to the end of the map cost ~7 µs): what a command reads before deciding, filled from the file on
 *   a read of the whole stream and from the appends. An append that does not continue the held
 *   stream exactly (a read of the file saw a commit whose answer had not arrived yet) drops it.
 *
 * - the revision each stream reached, for the streams this process appended to or read whole
 *   lately (`streamHeads` of them, the least recently told forgotten first): a command whose
 *   state is held (commands/aggregate-states.ts) asks for the events after that state's
 *   revision, which for a stream it wrote last is none, answered without reading the file.
 *
 * Only this process writes the file (the data directory is locked), so what is held is what the
 * file holds, unless the file is changed behind the store's back: stream reads use this view
 * only when the caller asks (`cached`), and audits do not.
 */
export interface CommittedCacheLimits {
  recentEvents: number;
  streamEvents: number;
  eventsPerStream: number;
  /** Streams whose last revision is kept (default DEFAULT_STREAM_HEADS). */
  streamHeads?: number;
}

export const DEFAULT_COMMITTED_CACHE: CommittedCacheLimits = { recentEvents: 2048, streamEvents: 10_000, eventsPerStream: 500 };

/** About 6 MB of stream names and revisions. */
export const DEFAULT_STREAM_HEADS = 50_000;

/** One committed append, as the writer thread reports it. */
export interface CommittedAppend {
  events: readonly RecordedEvent[];
  /** The JSON text of each event's data, as stored. */
  dataJson: readonly string[];
}

export function rowOf(event: RecordedEvent, dataJson: string): EventRow {
  return {
    position: event.position,
    id: event.id,
    stream: event.streamName,
    revision: event.revision,
    type: event.type,
    data: dataJson,
    // The metadata object was built in the stored key order (sqlite-writer-thread.ts recordedEvents).
    metadata: JSON.stringify(event.metadata),
  };
}

interface HeldStream {
  rows: EventRow[];
  /** Read since the eviction last passed over it. */
  used: boolean;
}

export class CommittedEvents {
  private recent: EventRow[] = [];
  /** Every committed event with a position above this is in `recent`, until disabled. */
  private heldAfter: number;
  private last: number;
  private disabled = false;
  private readonly streams = new Map<string, HeldStream>();
  private streamTotal = 0;
  /** Last revision by stream name (-1: known not to exist), least recently told first. */
  private readonly heads = new Map<string, { revision: number } & Marked>();

  constructor(
    headAtOpen: number,
    private readonly limits: CommittedCacheLimits = DEFAULT_COMMITTED_CACHE,
  ) {
    this.heldAfter = headAtOpen;
    this.last = headAtOpen;
  }

  /** The last position this process has been told of, or undefined when the view is off. */
  get head(): number | undefined {
    return this.disabled ? undefined : this.last;
  }

  committed(appends: readonly CommittedAppend[]): void {
    for (const append of appends) {
      const rows = append.events.map((e, i) => rowOf(e, append.dataJson[i]!));
      this.addRecent(rows);
      this.extendStream(rows);
      const last = rows[rows.length - 1];
      if (last !== undefined) this.setHead(last.stream, last.revision);
    }
  }

  /** The last revision of the stream as this process last committed or read it whole (-1: no
   * such stream), or undefined when not known. */
  headOf(name: string): number | undefined {
    return this.disabled ? undefined : this.heads.get(name)?.revision;
  }

  private setHead(name: string, revision: number): void {
    // Told of a new revision: changed in place and marked, not moved (bounded-map.ts says why).
    // The same revision again (a commit's stream just remembered whole) is not news.
    const known = this.heads.get(name);
    if (known !== undefined) {
      if (known.revision !== revision) Object.assign(known, { revision, used: true });
      return;
    }
    this.heads.set(name, { revision, used: false });
    trimOldest(this.heads, this.limits.streamHeads ?? DEFAULT_STREAM_HEADS, spareUsed);
  }

  /** Events with after < position <= upTo (at most maxCount, only of `types`), or undefined
   * when they are not all held. */
  range(after: number, upTo: number, maxCount: number, types: ReadonlySet<string> | undefined): EventRow[] | undefined {
    if (this.disabled || after < this.heldAfter || upTo > this.last) return undefined;
    const out: EventRow[] = [];
    for (let i = this.firstAfter(after); i < this.recent.length && out.length < maxCount; i++) {
      const row = this.recent[i]!;
      if (row.position > upTo) break;
      if (types === undefined || types.has(row.type)) out.push(row);
    }
    return out;
  }

  /** The whole stream if held ([] for a stream known not to exist). */
  stream(name: string): EventRow[] | undefined {
    const held = this.streams.get(name);
    if (held === undefined) return undefined;
    held.used = true;
    return held.rows;
  }

  /** Holds a whole stream as just read from the file. */
  remember(name: string, rows: readonly EventRow[]): void {
    this.setHead(name, rows.length - 1);
    if (rows.length > this.limits.eventsPerStream) return;
    this.forget(name);
    this.streams.set(name, { rows: [...rows], used: false });
    this.streamTotal += Math.max(1, rows.length);
    this.trimStreams();
  }

  private forget(name: string): void {
    const held = this.streams.get(name);
    if (held === undefined) return;
    this.streams.delete(name);
    this.streamTotal -= Math.max(1, held.rows.length);
  }

  private trimStreams(): void {
    while (this.streamTotal > this.limits.streamEvents) {
      const [name, held] = this.streams.entries().next().value as [string, HeldStream];
      this.streams.delete(name);
      if (held.used) {
        held.used = false;
        this.streams.set(name, held);
      } else {
        this.streamTotal -= Math.max(1, held.rows.length);
      }
    }
  }

  private extendStream(rows: readonly EventRow[]): void {
    const first = rows[0];
    if (first === undefined) return;
    const held = this.streams.get(first.stream)?.rows;
    if (held === undefined) {
      // A stream that begins with this append is known whole.
      if (first.revision === 0) this.remember(first.stream, rows);
      return;
    }
    if (first.revision !== held.length || held.length + rows.length > this.limits.eventsPerStream) {
      this.forget(first.stream);
      return;
    }
    this.streamTotal += rows.length - (held.length === 0 ? 1 : 0);
    held.push(...rows);
    this.trimStreams();
  }

  private addRecent(rows: readonly EventRow[]): void {
    if (this.disabled) return;
    for (const row of rows) {
      if (row.position <= this.last) {
        // Out of order: cannot happen with one writer; stop answering from memory rather than guess.
        this.disabled = true;
        this.recent = [];
        return;
      }
      this.recent.push(row);
      this.last = row.position;
    }
    const cap = this.limits.recentEvents;
    if (this.recent.length > 2 * cap) {
      const dropped = this.recent.length - cap;
      this.heldAfter = this.recent[dropped - 1]!.position;
      this.recent = this.recent.slice(dropped);
    }
  }

  /** Index of the first held event with a position above `after`. */
  private firstAfter(after: number): number {
    let lo = 0;
    let hi = this.recent.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.recent[mid]!.position <= after) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
