import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from './sqlite';
import { openSqliteEventLogReader, ReadOnlyEventStoreError } from './sqlite-reader';

const event = (type: string) => ({ id: `${type}-${Math.random()}`, type, data: { n: 1 }, metadata: { timestamp: '2026-01-15T08:00:00.000Z', schemaVersion: 1 } });

describe('the read-only SQLite event log reader', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'reader-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads what the writing store committed, while it keeps appending, and refuses to append', async () => {
    const file = join(dir, 'events.db');
    const writer = openSqliteEventStore({ filename: file });
    try {
      await writer.appendToStream('ticket-1', [event('A'), event('B')]);
      const reader = openSqliteEventLogReader(file);
      try {
        expect((await reader.readStream('ticket-1')).map((e) => e.type)).toEqual(['A', 'B']);
        await writer.appendToStream('ticket-2', [event('C')]);
        expect(await reader.headPosition()).toBe(3);
        expect((await reader.readAll({ fromPosition: 1 })).map((e) => e.type)).toEqual(['B', 'C']);
        expect((await reader.readAll({ eventTypes: ['C'] })).map((e) => e.streamName)).toEqual(['ticket-2']);
        expect((await reader.readStream('ticket-1', { direction: 'backwards', maxCount: 1 }))[0]!.type).toBe('B');
        await expect(reader.appendToStream('ticket-1', [event('D')])).rejects.toThrow(ReadOnlyEventStoreError);
        const seen: string[] = [];
        const caughtUp = new Promise<number>((resolve) => {
          reader.subscribeToAll({}, { onEvents: (events) => void seen.push(...events.map((e) => e.type)), onCaughtUp: resolve });
        });
        expect(await caughtUp).toBe(3);
        expect(seen).toEqual(['A', 'B', 'C']);
      } finally {
        await reader.close();
      }
      expect((await writer.readStream('ticket-1')).length).toBe(2);
    } finally {
      await writer.close();
    }
  });

  it('does not create a log that is not there', () => {
    expect(() => openSqliteEventLogReader(join(dir, 'missing.db'))).toThrow(/no such event log/);
  });
});
