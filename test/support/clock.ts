import type { Clock, IdGenerator } from '../../src/ports/clock';

/** A clock that only moves when the test says so. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start = '2026-01-15T12:00:00.000Z') {
    this.current = Date.parse(start);
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(iso: string): void {
    this.current = Date.parse(iso);
  }
}

/** Deterministic UUID-shaped ids: 00000000-0000-4000-8000-000000000001, ... */
export function sequentialIds(prefix = 0): IdGenerator {
  let n = 0;
  return {
    uuid: () => {
      n++;
      const hex = (prefix * 1e9 + n).toString(16).padStart(12, '0');
      return `00000000-0000-4000-8000-${hex}`;
    },
  };
}
