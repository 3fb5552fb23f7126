import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openEventDatabase } from '../src/adapters/event-store/sqlite-schema';

/**
 * What this machine's disk allows for durable single-event appends, measured with better-sqlite3
 * alone in one thread (no writer thread, no hash chain, no expected-revision check), in WAL mode
 * with `synchronous=FULL` like the event store, one transaction per append:
 *   - a one-column table: one fsync and the fewest pages a commit can write;
 *   - the event store's own schema (sqlite-schema.ts): the `events` row with its two unique
 *     indexes and AUTOINCREMENT, and the `streams` row, as an append writes them.
 * No append of one event per durable commit can beat the first figure on the same disk, so the
 * ratio of Emmett's rate to it says whether the 10x budget can be met on this machine at all.
 *
 * Alone: `npm run build && node dist/bench/disk-floor.js [durationMs]`.
 */

export interface DiskFloor {
  /** Sequential single-row durable commits per second on a one-column table. */
  bareCommitsPerSecond: number;
  /** The same with the event store's schema (an events row and its streams row per commit). */
  schemaCommitsPerSecond: number;
}

function rate(step: (i: number) => void, durationMs: number): number {
  for (let i = 0; i < 200; i++) step(i);
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < durationMs) step(200 + n++);
  return Math.round(n / ((performance.now() - start) / 1000));
}

export function measureDiskFloor(durationMs = 3000, parent = os.tmpdir()): DiskFloor {
  const dir = fs.mkdtempSync(path.join(parent, 'disk-floor-'));
  try {
    const bare = new Database(path.join(dir, 'bare.db'));
    bare.pragma('journal_mode = WAL');
    bare.pragma('synchronous = FULL');
    bare.exec('CREATE TABLE t (x INTEGER)');
    const insert = bare.prepare('INSERT INTO t (x) VALUES (?)');
    const bareCommitsPerSecond = rate((i) => insert.run(i), durationMs);
    bare.close();

    const db = openEventDatabase(path.join(dir, 'events.db'));
    const event = db.prepare('INSERT INTO events (id, stream, revision, type, data, metadata) VALUES (?, ?, 0, ?, ?, ?)');
    const stream = db.prepare('INSERT INTO streams (name, revision, last_hash) VALUES (?, 0, ?)');
    const data = JSON.stringify({ ticketId: randomUUID(), title: 'Internet mati', description: 'LOS merah' });
    const append = db.transaction(() => {
      const name = `ticket-${randomUUID()}`;
      event.run(randomUUID(), name, 'TicketCreated', data, '{}');
      stream.run(name, 'f'.repeat(64));
    });
    const schemaCommitsPerSecond = rate(() => append(), durationMs);
    db.close();
    return { bareCommitsPerSecond, schemaCommitsPerSecond };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function formatDiskFloor(floor: DiskFloor): string {
  return (
    `this disk's floor (better-sqlite3 alone, one thread, WAL, synchronous=FULL, one commit per row): ` +
    `${floor.bareCommitsPerSecond} commits/s on a one-column table, ${floor.schemaCommitsPerSecond}/s with the event store's schema`
  );
}

if (require.main === module) {
  console.log(formatDiskFloor(measureDiskFloor(process.argv[2] ? Number(process.argv[2]) : undefined)));
}
