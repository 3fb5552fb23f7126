import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createMemoryEventStore } from '../adapters/event-store/memory';
import { openSqliteEventStore, type SqliteEventStore } from '../adapters/event-store/sqlite';
import { createEventRegistry } from '../domain';
import { DuplicateError } from '../domain/shared/errors';
import type { EventStore } from '../ports/event-store';
import { ManualClock } from '../../test/support/clock';
import { systemMeta, type CommandDeps } from './context';
import { lookupUnique, releaseUnique, reservationStream, reserveAll, reserveUnique } from './reservations';
import { systemEvents } from './system-events';

const stores: Array<[string, () => { store: EventStore; close: () => Promise<void> }]> = [
  ['in memory', () => ({ store: createMemoryEventStore(), close: async () => undefined })],
  [
    'SQLite (reads answered from the streams it committed)',
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reservations-'));
      const store: SqliteEventStore = openSqliteEventStore({ filename: path.join(dir, 'events.db') });
      return {
        store,
        close: async () => {
          await store.close();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
];

describe.each(stores)('unique values reserved on the %s event store', (_name, open) => {
  let deps: CommandDeps;
  let close: () => Promise<void>;
  let reads: string[];
  const meta = () => systemMeta(deps.ids, 'test');
  const typesOf = async (value: string) => (await deps.eventStore.readStream(reservationStream('serial', value))).map((e) => e.type);

  beforeEach(() => {
    const opened = open();
    close = opened.close;
    reads = [];
    // Records the streams a reservation reads, and nothing else changes.
    const eventStore = new Proxy(opened.store, {
      get(target, prop, receiver) {
        if (prop === 'readStream') {
          return (stream: string, ...rest: unknown[]) => {
            reads.push(stream);
            return (target.readStream as (...a: unknown[]) => unknown)(stream, ...rest);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
    deps = { eventStore, registry: createEventRegistry(systemEvents), clock: new ManualClock(), ids: { uuid: randomUUID } };
  });
  afterEach(() => close());

  it('given a new value, when reserved, then it is appended without a read and its owner is found', async () => {
    await reserveUnique(deps, 'serial', 'SN-1', 'device-a', meta());
    expect(reads).toEqual([]);
    expect(await lookupUnique(deps, 'serial', ' sn-1 ')).toBe('device-a');
    expect(await typesOf('SN-1')).toEqual(['UniqueValueReserved']);
  });

  it('given a value held by its owner, when the owner reserves it again, then nothing is appended', async () => {
    await reserveUnique(deps, 'serial', 'SN-1', 'device-a', meta());
    await reserveUnique(deps, 'serial', 'sn-1', 'device-a', meta());
    expect(await typesOf('SN-1')).toEqual(['UniqueValueReserved']);
  });

  it('given a value held by another owner, when reserved, then DuplicateError and nothing is appended', async () => {
    await reserveUnique(deps, 'serial', 'SN-1', 'device-a', meta());
    await expect(reserveUnique(deps, 'serial', 'SN-1 ', 'device-b', meta())).rejects.toThrow(DuplicateError);
    expect(await typesOf('SN-1')).toEqual(['UniqueValueReserved']);
    expect(await lookupUnique(deps, 'serial', 'SN-1')).toBe('device-a');
  });

  it('given a released value, when another owner reserves it, then it is appended after the release', async () => {
    await reserveUnique(deps, 'serial', 'SN-1', 'device-a', meta());
    await releaseUnique(deps, 'serial', 'SN-1', 'device-a', meta());
    expect(await lookupUnique(deps, 'serial', 'SN-1')).toBeNull();
    await reserveUnique(deps, 'serial', 'SN-1', 'device-b', meta());
    expect(await typesOf('SN-1')).toEqual(['UniqueValueReserved', 'UniqueValueReleased', 'UniqueValueReserved']);
    expect(await lookupUnique(deps, 'serial', 'SN-1')).toBe('device-b');
  });

  it('given a value held by another owner, when the other owner releases it, then nothing changes', async () => {
    await reserveUnique(deps, 'serial', 'SN-1', 'device-a', meta());
    await releaseUnique(deps, 'serial', 'SN-1', 'device-b', meta());
    expect(await lookupUnique(deps, 'serial', 'SN-1')).toBe('device-a');
  });

  it('given two free values, when reserved together, then both are held, in one commit on SQLite, and the release frees both', async () => {
    const commits = (deps.eventStore as Partial<SqliteEventStore>).stats?.().commits;
    const release = await reserveAll(deps, [['serial', 'SN-1'], ['serial', 'SN-2']], 'device-a', meta());
    if (commits !== undefined) expect((deps.eventStore as SqliteEventStore).stats().commits - commits).toBe(1);
    expect([await lookupUnique(deps, 'serial', 'SN-1'), await lookupUnique(deps, 'serial', 'SN-2')]).toEqual(['device-a', 'device-a']);
    await release();
    expect([await lookupUnique(deps, 'serial', 'SN-1'), await lookupUnique(deps, 'serial', 'SN-2')]).toEqual([null, null]);
  });

  it('given the second value held by another owner, when both are reserved together, then its DuplicateError and the first is released', async () => {
    await reserveUnique(deps, 'serial', 'SN-2', 'device-b', meta());
    await expect(reserveAll(deps, [['serial', 'SN-1'], ['serial', 'SN-2']], 'device-a', meta())).rejects.toEqual(new DuplicateError('serial', 'SN-2'));
    expect(await lookupUnique(deps, 'serial', 'SN-1')).toBeNull();
    expect(await typesOf('SN-1')).toEqual(['UniqueValueReserved', 'UniqueValueReleased']);
    expect(await lookupUnique(deps, 'serial', 'SN-2')).toBe('device-b');
  });

  it('given both values held by others, when reserved together, then the DuplicateError of the first one given', async () => {
    await reserveUnique(deps, 'serial', 'SN-1', 'device-b', meta());
    await reserveUnique(deps, 'serial', 'SN-2', 'device-c', meta());
    const refused = reserveAll(deps, [['serial', 'SN-2'], ['serial', 'SN-1']], 'device-a', meta());
    await expect(refused).rejects.toMatchObject({ field: 'serial', value: 'SN-2' });
  });

  it('when twenty owners reserve one value at once, then exactly one holds it and the others get DuplicateError', async () => {
    const owners = Array.from({ length: 20 }, (_, i) => `device-${i}`);
    const results = await Promise.allSettled(owners.map((owner) => reserveUnique(deps, 'serial', 'SN-RACE', owner, meta())));
    const won = owners.filter((_, i) => results[i]!.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(DuplicateError);
    expect(await lookupUnique(deps, 'serial', 'SN-RACE')).toBe(won[0]);
    expect(await typesOf('SN-RACE')).toEqual(['UniqueValueReserved']);
  });
});
