/**
 * Projection lag: the time from an event's timestamp (when its command ran) to the moment the
 * read models applied it, over the last `size` live events. Reported by /ops/projections and
 * /health, and read by the benchmark.
 */
export interface LagSummary {
  samples: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export class LagWindow {
  private readonly values: number[] = [];
  private next = 0;

  constructor(private readonly size = 10_000) {}

  record(ms: number): void {
    if (this.values.length < this.size) this.values.push(ms);
    else {
      this.values[this.next] = ms;
      this.next = (this.next + 1) % this.size;
    }
  }

  summary(): LagSummary {
    if (this.values.length === 0) return { samples: 0, p50Ms: null, p99Ms: null, maxMs: null };
    const sorted = [...this.values].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return { samples: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted[sorted.length - 1]! };
  }
}
