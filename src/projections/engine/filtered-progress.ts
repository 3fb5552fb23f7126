import type { EventStore } from '../../ports/event-store';

/**
 * What read models fed by a filtered subscription reflect beyond their own position.
 *
 * Read models that have applied every event of their types up to position A reflect the log up
 * to any position P such that P is in the log and no event of their types lies in (A, P]. The
 * embedded stores say so by themselves (a checkpoint after every skipped run). EventStoreDB
 * filters on the server and checkpoints only every so many considered events
 * (`skippedEventCheckpoints: 'periodic'`), so after a run of other events at the head of the log
 * (a login, a reservation) a read-your-writes wait for the last of them would otherwise wait for
 * the next checkpoint, or time out.
 *
 * A probe establishes that fact with two reads: the head H first, then the first event of the
 * handled types after A (a server-side filtered read), at N (∞ when none). Because H was read
 * first, an answer of "none" covers at least up to H. So every P ≤ H with P < N is reflected as
 * soon as A is applied. The fact stays true (the log below H never changes), so later positions
 * of the read models keep using it until they pass N, when a new probe is worth making.
 */
export class FilteredProgress {
  private fact: { applied: number; head: number; next: number } | null = null;

  constructor(
    private readonly store: Pick<EventStore, 'headPosition' | 'readAll'>,
    private readonly eventTypes: readonly string[],
  ) {}

  /** Whether read models that have applied every handled event up to `applied` reflect `position`. */
  covers(position: number, applied: number): boolean {
    if (position <= applied) return true;
    const f = this.fact;
    return f !== null && f.applied <= applied && position <= f.head && position < f.next;
  }

  /** True when a new probe could tell more: none made yet, or the read models have passed the
   * event that limited the last one. */
  stale(applied: number): boolean {
    return this.fact === null || applied >= this.fact.next;
  }

  /** Reads the head, then the first handled event after `applied`; keeps the newer fact. */
  async probe(applied: number): Promise<void> {
    const head = await this.store.headPosition();
    // The same filter as the subscription's (no types: every event).
    const [next] = await this.store.readAll({ fromPosition: applied, eventTypes: this.eventTypes, maxCount: 1 });
    if (this.fact && this.fact.applied > applied) return;
    this.fact = { applied, head, next: next?.position ?? Number.POSITIVE_INFINITY };
  }

  /** Forgets the fact (the read models were replaced, or the runner starts again). */
  reset(): void {
    this.fact = null;
  }
}
