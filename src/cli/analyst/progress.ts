/**
 * Progress of a long command: on a terminal, one line redrawn in place with a bar, the rate and
 * the time left; otherwise (a pipe, a log file, CI) a plain line every few seconds. Written to
 * stderr, so stdout keeps the command's output (an export, a table).
 */

export interface ProgressOutput {
  write(text: string): void;
  isTTY?: boolean;
}

export interface Progress {
  /** `done` of `total` (null: unknown), in `unit`s; `note` is shown after the figures. */
  update(done: number, total: number | null, note?: string): void;
  /** Ends the line (on a terminal) with a last state. */
  finish(note?: string): void;
}

const int = new Intl.NumberFormat('en-US');

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function progress(out: ProgressOutput, title: string, options: { unit?: string; everyMs?: number; now?: () => number } = {}): Progress {
  const now = options.now ?? Date.now;
  const unit = options.unit ?? 'events';
  const everyMs = options.everyMs ?? 2000;
  const started = now();
  let last = -Infinity;
  let shown = '';
  let baseline: { at: number; done: number } | null = null;

  const line = (done: number, total: number | null, note?: string): string => {
    const elapsed = (now() - started) / 1000;
    // The rate from the first update on (a resumed command starts past zero).
    baseline ??= { at: now(), done };
    const since = (now() - baseline.at) / 1000;
    const rate = since > 0 ? (done - baseline.done) / since : 0;
    const parts: string[] = [];
    if (total !== null && total > 0) {
      const fraction = Math.min(1, done / total);
      const bar = out.isTTY ? `[${'#'.repeat(Math.round(fraction * 24)).padEnd(24, '-')}] ` : '';
      parts.push(`${bar}${(fraction * 100).toFixed(1)}%`);
    }
    parts.push(`${int.format(done)}${total !== null ? `/${int.format(total)}` : ''} ${unit}`);
    parts.push(`${int.format(Math.round(rate))} ${unit}/s`);
    if (total !== null && rate > 0 && done < total) parts.push(`${formatDuration((total - done) / rate)} left`);
    else parts.push(`${formatDuration(elapsed)} elapsed`);
    if (note) parts.push(note);
    return `${title}: ${parts.join(' · ')}`;
  };

  return {
    update(done, total, note) {
      const t = now();
      if (out.isTTY) {
        if (t - last < 100) return;
        last = t;
        shown = line(done, total, note);
        out.write(`\r\x1b[K${shown}`);
        return;
      }
      if (t - last < everyMs) return;
      last = t;
      out.write(`${line(done, total, note)}\n`);
    },
    finish(note) {
      if (out.isTTY) out.write(`\r\x1b[K${shown ? `${shown}${note ? ` · ${note}` : ''}` : `${title}: ${note ?? 'done'}`}\n`);
      else if (note) out.write(`${title}: ${note}\n`);
    },
  };
}
