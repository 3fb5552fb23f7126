import type { TicketHistoryEntry } from './history';

interface Held {
  /** Every entry of the events read so far, in order (frozen). */
  entries: TicketHistoryEntry[];
  /** ends[r]: how many entries events 0..r yield; ends.length - 1 is the last revision held. */
  ends: number[];
}

/**
 * The history entries already derived from tickets' streams, by ticket, so that showing a
 * ticket again reads and derives only the events after the last revision held. A ticket with
 * a hundred comments cost each detail view a read, parse and derivation of all of them (about
 * a third of the request). Entries are the same whenever they are derived (their ids come from
 * the event ids), and the log is append-only, so what is held stays true.
 *
 * Bounded by entries in all, 30,000 by default (an entry takes about 700 bytes of heap, so about
 * 21 MB; least recently shown tickets are forgotten first); a ticket with more entries than a
 * tenth of that is not held. Made by the composition root, one per process.
 */
export class HeldHistories {
  private readonly held = new Map<string, Held>();
  private total = 0;

  constructor(private readonly maxEntries = 30_000) {}

  get entryCount(): number {
    return this.total;
  }

  /** The last revision held for this ticket (-1: none). */
  revisionOf(ticketId: string): number {
    return (this.held.get(ticketId)?.ends.length ?? 0) - 1;
  }

  /** The entries of events 0..revision, when held. */
  upTo(ticketId: string, revision: number): TicketHistoryEntry[] | undefined {
    const held = this.held.get(ticketId);
    if (held === undefined || revision >= held.ends.length) return undefined;
    // Most recently shown last.
    this.held.delete(ticketId);
    this.held.set(ticketId, held);
    return held.entries.slice(0, revision < 0 ? 0 : held.ends[revision]);
  }

  /**
   * Adds the entries of the events that follow the last revision held (`from`, then the next
   * ones in order). Entries for revisions already held (another read got there first) are
   * ignored, and so is anything after a gap.
   */
  extend(ticketId: string, from: number, entriesByEvent: readonly (readonly TicketHistoryEntry[])[]): void {
    let held = this.held.get(ticketId);
    if (held === undefined) {
      if (from !== 0) return;
      held = { entries: [], ends: [] };
      this.held.set(ticketId, held);
    }
    const before = held.entries.length;
    entriesByEvent.forEach((entries, i) => {
      if (from + i !== held.ends.length) return;
      for (const e of entries) held.entries.push(Object.freeze(e));
      held.ends.push(held.entries.length);
    });
    this.total += held.entries.length - before;
    if (held.entries.length > this.maxEntries / 10) this.forget(ticketId);
    while (this.total > this.maxEntries) this.forget(this.held.keys().next().value as string);
  }

  private forget(ticketId: string): void {
    const held = this.held.get(ticketId);
    if (held === undefined) return;
    this.held.delete(ticketId);
    this.total -= held.entries.length;
  }
}
