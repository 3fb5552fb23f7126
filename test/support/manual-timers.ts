import type { Timers } from '../../src/reactors/webhooks/dispatcher';
import type { ManualClock } from './clock';

/**
 * Timers that fire only when the test moves the manual clock: `advance(ms)` moves it and runs
 * every timer that has come due, in order. Nothing waits on real time.
 */
export class ManualTimers implements Timers {
  private next = 1;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  constructor(private readonly clock: ManualClock) {}

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.clock.now().getTime() + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Moves the clock by `ms` and fires what came due (timers set while firing wait for the next call). */
  advance(ms: number): void {
    this.clock.advance(ms);
    const now = this.clock.now().getTime();
    const due = [...this.pending.entries()].filter(([, t]) => t.at <= now).sort((a, b) => a[1].at - b[1].at || a[0] - b[0]);
    for (const [id, t] of due) {
      this.pending.delete(id);
      t.fn();
    }
  }

  /** When the earliest timer fires, in ms from now; null when none is set. */
  nextIn(): number | null {
    const now = this.clock.now().getTime();
    const ats = [...this.pending.values()].map((t) => t.at - now);
    return ats.length ? Math.max(0, Math.min(...ats)) : null;
  }
}
