import { z } from 'zod';
import { createMemoryEventStore } from '../adapters/event-store/memory';
import type { Decider } from '../domain/shared/decider';
import { ConflictError, IllegalStateError, PreconditionFailedError } from '../domain/shared/errors';
import { defineEvent, EventRegistry, type EventOf } from '../domain/shared/events';
import { WrongExpectedRevisionError, type EventStore, type NewEvent } from '../ports/event-store';
import { ManualClock, sequentialIds } from '../../test/support/clock';
import { systemMeta, type CommandDeps } from './context';
import { backoffDelay, DEFAULT_RETRY, handleCommand } from './handle-command';
import { streamQueueFor } from './stream-queue';

/**
 * handleCommand under contention, on the in-memory event store: commands on one stream in one
 * process queue instead of racing; a write by "another instance" (appended behind the command's
 * back, between its read and its append) is folded in and the command re-decided, with
 * back-off, until the attempts are spent. Issue 11.
 */

const NoteAdded = defineEvent('NoteAdded', z.object({ text: z.string() }));
const BoardClosed = defineEvent('BoardClosed', z.object({}));
type BoardEvent = EventOf<typeof NoteAdded> | EventOf<typeof BoardClosed>;
type BoardCommand = { type: 'AddNote'; text: string } | { type: 'Close' };
interface BoardState {
  closed: boolean;
  notes: number;
}

/** A board takes notes until it is closed (the kind of rule a ticket's comments follow). */
const board: Decider<BoardState, BoardCommand, BoardEvent> = {
  initialState: () => ({ closed: false, notes: 0 }),
  evolve: (s, e) => (e.type === 'NoteAdded' ? { ...s, notes: s.notes + 1 } : { ...s, closed: true }),
  decide: (c, s) => {
    if (s.closed) throw new IllegalStateError('The board is closed', 'closed', []);
    return c.type === 'AddNote' ? [{ type: 'NoteAdded', data: { text: c.text } }] : [{ type: 'BoardClosed', data: {} }];
  },
};

const STREAM = 'board-1';
const foreign = (type: string, data: Record<string, unknown> = {}): NewEvent[] => [
  { id: `foreign-${Math.random()}`, type, data, metadata: { timestamp: '2026-01-15T12:00:00.000Z', schemaVersion: 1 } },
];

describe('handleCommand under contention', () => {
  let real: EventStore;
  let store: EventStore;
  let conflicts: number;
  /** Events another instance writes just before each of our next appends to STREAM. */
  let interloper: Array<() => NewEvent[]>;
  let deps: CommandDeps;
  const meta = () => systemMeta(deps.ids, 'test');
  const add = (text: string, options = {}) => handleCommand(deps, board, STREAM, { type: 'AddNote', text }, meta(), options);

  beforeEach(() => {
    real = createMemoryEventStore();
    conflicts = 0;
    interloper = [];
    store = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop !== 'appendToStream') return Reflect.get(target, prop, receiver);
        return async (stream: string, events: NewEvent[], options?: Parameters<EventStore['appendToStream']>[2]) => {
          const next = stream === STREAM ? interloper.shift() : undefined;
          if (next) await target.appendToStream(stream, next(), { expectedRevision: 'any' });
          try {
            return await target.appendToStream(stream, events, options);
          } catch (err) {
            if (err instanceof WrongExpectedRevisionError) conflicts++;
            throw err;
          }
        };
      },
    });
    deps = { eventStore: store, registry: new EventRegistry([NoteAdded, BoardClosed]), clock: new ManualClock(), ids: sequentialIds() };
  });

  it('runs 100 concurrent commands on one stream in one process without a single conflict', async () => {
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => add(`note ${i}`)));
    expect(conflicts).toBe(0);
    expect(results.map((r) => r.revision).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(await real.readStream(STREAM)).toHaveLength(100);
    expect(streamQueueFor(store).busy).toBe(0);
  });

  it('runs commands on different streams concurrently, not one after the other', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = new Proxy(real, {
      get: (target, prop, receiver) =>
        prop === 'appendToStream'
          ? async (...args: Parameters<EventStore['appendToStream']>) => {
              if (args[0] === 'board-slow') await gate;
              return target.appendToStream(...args);
            }
          : Reflect.get(target, prop, receiver),
    });
    const slowDeps = { ...deps, eventStore: slow };
    const blocked = handleCommand(slowDeps, board, 'board-slow', { type: 'AddNote', text: 'waits' }, meta());
    // Another stream is not held up by the slow one.
    await handleCommand(slowDeps, board, 'board-fast', { type: 'AddNote', text: 'passes' }, meta());
    release();
    await blocked;
  });

  it('folds in a write by another instance and re-decides, after a back-off', async () => {
    await add('first');
    interloper.push(() => foreign('NoteAdded', { text: 'from elsewhere' }), () => foreign('NoteAdded', { text: 'again' }));
    const result = await add('mine', { retry: { baseDelayMs: 1 } });
    expect(conflicts).toBe(2);
    expect(result.state.notes).toBe(4);
    expect((await real.readStream(STREAM)).map((e) => e.data.text)).toEqual(['first', 'from elsewhere', 'again', 'mine']);
  });

  it('re-checks the rule against what the other instance wrote: a note is refused once the board was closed', async () => {
    await add('first');
    interloper.push(() => foreign('BoardClosed'));
    await expect(add('too late', { retry: { baseDelayMs: 0 } })).rejects.toBeInstanceOf(IllegalStateError);
    expect((await real.readStream(STREAM)).map((e) => e.type)).toEqual(['NoteAdded', 'BoardClosed']);
  });

  it('reads nothing for a stream named by a fresh id, and reads and re-decides when it existed after all', async () => {
    const reads: string[] = [];
    const counting = new Proxy(real, {
      get: (target, prop, receiver) =>
        prop === 'readStream'
          ? (...args: Parameters<EventStore['readStream']>) => (reads.push(args[0]), target.readStream(...args))
          : Reflect.get(target, prop, receiver),
    });
    const countingDeps = { ...deps, eventStore: counting };
    const fresh = await handleCommand(countingDeps, board, 'board-new', { type: 'AddNote', text: 'first' }, meta(), { newStream: true });
    expect([fresh.revision, reads]).toEqual([0, []]);

    await handleCommand(countingDeps, board, 'board-old', { type: 'Close' }, meta());
    reads.length = 0;
    const refused = handleCommand(countingDeps, board, 'board-old', { type: 'AddNote', text: 'not new' }, meta(), { newStream: true, retry: { baseDelayMs: 0 } });
    await expect(refused).rejects.toBeInstanceOf(IllegalStateError);
    expect(reads).toEqual(['board-old']);
    expect((await real.readStream('board-old')).map((e) => e.type)).toEqual(['BoardClosed']);
  });

  it('answers ConflictError once every attempt lost to another instance, and appends nothing of its own', async () => {
    await add('first');
    interloper.push(...Array.from({ length: 4 }, () => () => foreign('NoteAdded', { text: 'elsewhere' })));
    await expect(add('mine', { retry: { attempts: 4, baseDelayMs: 0 } })).rejects.toBeInstanceOf(ConflictError);
    expect(conflicts).toBe(4);
    expect((await real.readStream(STREAM)).map((e) => e.data.text)).not.toContain('mine');
  });

  it('does not retry under If-Match: a write in between is 412', async () => {
    const first = await add('first');
    interloper.push(() => foreign('NoteAdded', { text: 'elsewhere' }));
    await expect(add('mine', { ifMatch: first.revision })).rejects.toBeInstanceOf(PreconditionFailedError);
  });

  it('lets the next command on a stream run after one failed', async () => {
    await handleCommand(deps, board, STREAM, { type: 'Close' }, meta());
    const outcomes = await Promise.allSettled([add('a'), add('b')]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(streamQueueFor(store).busy).toBe(0);
  });
});

describe('backoffDelay', () => {
  it('waits a random time up to an exponentially growing ceiling, capped', () => {
    const policy = DEFAULT_RETRY;
    expect(backoffDelay(policy, 1, () => 0.999)).toBe(4);
    expect(backoffDelay(policy, 3, () => 0.999)).toBe(19);
    expect(backoffDelay(policy, 9, () => 0.999)).toBe(policy.maxDelayMs - 1);
    expect(backoffDelay(policy, 5, () => 0)).toBe(0);
  });
});
