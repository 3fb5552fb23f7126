import type { TicketHistoryEntry } from './history';

interface Held {
  /** Every entry of the events read so far, in order (frozen). */
  entries: TicketHistoryEntry[];
  /** ends[r]: how many entries events 0..r yield; ends.length - 1 is the last revision held. */
  ends: number[];
  /** Where the ticket is in the list of held tickets. */
  slot: number;
}

/**
 * The history entries already derived from tickets' streams, by ticket, so that showing a
 * ticket again reads and derives only the events after the last revision held. A ticket with
 * a hundred comments cost each detail view a read, parse and derivation of all of them (about
 * a third of the request). Entries are the same whenever they are derived (their ids come from
 * the event ids), and the log is append-only, so what is held stays true.
 *
 * Bounded by entries in all (TICKET_HISTORY_ENTRIES, 100,000 by default; an entry takes about
 * 700 bytes of heap, so about 70 MB); a ticket with more entries than a tenth of that is not held.
 * 30,000 held a little under half of what the bench's 1,000 open tickets of ~70 events each
 * needed: their detail views ran at 786–901 req/s, against 1,800–2,238 with 100,000 held and
 * the same resident memory (the reads and parses it saved were garbage too). Past the bound a ticket
 * picked at random is forgotten, not the least recently shown: tickets shown in turn (a
 * technician's app going through its list, the bench's round robin) with a little more history
 * than is held would each be forgotten just before being shown again, and nothing would be
 * reused; at random, most of what is held still is. Made by the composition root, one per
 * process.
 */
export class HeldHistories {
  private readonly held = new Map<string, Held>();
  /** The held tickets, for picking one at random. */
  private readonly ids: string[] = [];
  private total = 0;

  constructor(
    private readonly maxEntries = 30_000,
    private readonly random: () => number = Math.random,
  ) {}

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
      held = { entries: [], ends: [], slot: this.ids.length };
      this.held.set(ticketId, held);
      this.ids.push(ticketId);
    }
    const before = held.entries.length;
    entriesByEvent.forEach((entries, i) => {
      if (from + i !== held.ends.length) return;
      for (const e of entries) held.entries.push(Object.freeze(e));
      held.ends.push(held.entries.length);
    });
    this.total += held.entries.length - before;
    if (held.entries.length > this.maxEntries / 10) this.forget(ticketId);
    while (this.total > this.maxEntries) {
      // Not the ticket just extended, unless it is the only one.
      const pick = this.ids[Math.floor(this.random() * this.ids.length)]!;
      this.forget(pick === ticketId && this.ids.length > 1 ? this.ids[(held.slot + 1) % this.ids.length]! : pick);
    }
  }

  private forget(ticketId: string): void {
    const held = this.held.get(ticketId);
    if (held === undefined) return;
    this.held.delete(ticketId);
    this.total -= held.entries.length;
    // The last held ticket takes its slot.
    const last = this.ids.pop()!;
    if (last !== ticketId) {
      this.ids[held.slot] = last;
      this.held.get(last)!.slot = held.slot;
    }
  }
}
