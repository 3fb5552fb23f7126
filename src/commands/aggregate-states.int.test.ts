import { z } from 'zod';
import { createMemoryEventStore } from '../adapters/event-store/memory';
import type { Decider } from '../domain/shared/decider';
import { defineEvent, EventRegistry, type EventOf } from '../domain/shared/events';
import type { EventStore, NewEvent } from '../ports/event-store';
import { ManualClock, sequentialIds } from '../../test/support/clock';
import { spyOnStreamReads, type StreamRead } from '../../test/support/event-store-spy';
import { AggregateStates } from './aggregate-states';
import { systemMeta, type CommandDeps } from './context';
import { handleCommand, loadAggregate } from './handle-command';

/**
 * Loads with held states (aggregate-states.ts): a stream is folded once, later loads read only
 * the events after the held revision, whoever appended them, and the held states cannot be
 * changed in place.
 */

const NoteAdded = defineEvent('NoteAdded', z.object({ text: z.string() }));
type NoteEvent = EventOf<typeof NoteAdded>;
interface BoardState {
  notes: string[];
}
const board: Decider<BoardState, { type: 'AddNote'; text: string }, NoteEvent> = {
  initialState: () => ({ notes: [] }),
  evolve: (s, e) => ({ notes: [...s.notes, e.data.text] }),
  decide: (c) => [{ type: 'NoteAdded', data: { text: c.text } }],
};
const note = (text: string): NewEvent[] => [
  { id: `e-${text}`, type: 'NoteAdded', data: { text }, metadata: { timestamp: '2026-01-15T12:00:00.000Z', schemaVersion: 1 } },
];

describe('loadAggregate with held states', () => {
  let store: EventStore;
  /** What each readStream of the commands asked for, and how many events it got. */
  let reads: StreamRead[];
  let deps: CommandDeps;

  beforeEach(() => {
    ({ store, reads } = spyOnStreamReads(createMemoryEventStore()));
    deps = {
      eventStore: store,
      registry: new EventRegistry([NoteAdded]),
      clock: new ManualClock('2026-01-15T12:00:00.000Z'),
      ids: sequentialIds(),
      states: new AggregateStates(),
    };
  });

  it('folds a stream once, then reads only the events after the revision it holds', async () => {
    for (const t of ['a', 'b', 'c']) await store.appendToStream('board-1', note(t));
    const first = await loadAggregate(deps, board, 'board-1');
    expect(first).toEqual({ state: { notes: ['a', 'b', 'c'] }, revision: 2 });
    const again = await loadAggregate(deps, board, 'board-1');
    expect(again).toEqual(first);
    expect(reads).toEqual([
      { stream: 'board-1', fromRevision: 0, got: 3 },
      { stream: 'board-1', fromRevision: 3, got: 0 },
    ]);
  });

  it('folds in what was appended since by anyone (another instance appends straight to the log)', async () => {
    await store.appendToStream('board-1', note('a'));
    await loadAggregate(deps, board, 'board-1');
    await store.appendToStream('board-1', note('b'));
    await handleCommand(deps, board, 'board-1', { type: 'AddNote', text: 'c' }, systemMeta(deps.ids, 'test'));
    const loaded = await loadAggregate(deps, board, 'board-1');
    expect(loaded).toEqual({ state: { notes: ['a', 'b', 'c'] }, revision: 2 });
    // The same state as a fold of the whole stream, without held states.
    expect(await loadAggregate({ ...deps, states: undefined }, board, 'board-1')).toEqual(loaded);
    // The command held its own state at revision 2: the load after it starts at 3.
    expect(reads.map((r) => r.fromRevision)).toEqual([0, 1, 3, 0]);
  });

  it("holds the state after a command's own append: the next command reads nothing it wrote", async () => {
    await store.appendToStream('board-1', note('a'));
    const meta = systemMeta(deps.ids, 'test');
    const first = await handleCommand(deps, board, 'board-1', { type: 'AddNote', text: 'b' }, meta);
    const second = await handleCommand(deps, board, 'board-1', { type: 'AddNote', text: 'c' }, meta);
    expect(first.revision).toBe(1);
    expect(second.state).toEqual({ notes: ['a', 'b', 'c'] });
    expect(reads).toEqual([
      { stream: 'board-1', fromRevision: 0, got: 1 },
      { stream: 'board-1', fromRevision: 2, got: 0 },
    ]);
    expect(deps.states!.get<BoardState>(board, 'board-1')).toEqual({ state: { notes: ['a', 'b', 'c'] }, revision: 2 });
    expect(await loadAggregate({ ...deps, states: undefined }, board, 'board-1')).toEqual({ state: second.state, revision: 2 });
  });

  it('holds states frozen: a fold that changes a state in place fails instead of changing the held one', async () => {
    const mutating: typeof board = { ...board, evolve: (s, e) => (s.notes.push(e.data.text), s) };
    await store.appendToStream('board-1', note('a'));
    await loadAggregate(deps, mutating, 'board-1');
    await store.appendToStream('board-1', note('b'));
    await expect(loadAggregate(deps, mutating, 'board-1')).rejects.toThrow(TypeError);
    expect(deps.states!.get<BoardState>(mutating, 'board-1')).toEqual({ state: { notes: ['a'] }, revision: 0 });
  });

  it('keeps a state per decider: another decider on the same stream folds it itself', async () => {
    const counter: Decider<{ count: number }, never, NoteEvent> = {
      initialState: () => ({ count: 0 }),
      evolve: (s) => ({ count: s.count + 1 }),
      decide: () => [],
    };
    for (const t of ['a', 'b']) await store.appendToStream('board-1', note(t));
    await loadAggregate(deps, board, 'board-1');
    expect(await loadAggregate(deps, counter, 'board-1')).toEqual({ state: { count: 2 }, revision: 1 });
    expect(reads.map((r) => r.fromRevision)).toEqual([0, 0]);
  });

  it('keeps the later of two states of one stream (two loads at once)', () => {
    const states = new AggregateStates();
    states.put(board, 'board-1', { notes: ['a', 'b'] }, 1);
    states.put(board, 'board-1', { notes: ['a'] }, 0);
    expect(states.get(board, 'board-1')).toEqual({ state: { notes: ['a', 'b'] }, revision: 1 });
  });

  it('holds at most so many streams, forgetting the least recently loaded first', async () => {
    deps.states = new AggregateStates(2);
    for (const s of ['board-1', 'board-2', 'board-3']) await store.appendToStream(s, note(s));
    await loadAggregate(deps, board, 'board-1');
    await loadAggregate(deps, board, 'board-2');
    await loadAggregate(deps, board, 'board-1');
    await loadAggregate(deps, board, 'board-3');
    expect(deps.states.size).toBe(2);
    expect(deps.states.get(board, 'board-2')).toBeUndefined();
    expect(deps.states.get(board, 'board-1')?.revision).toBe(0);
    // A stream that does not exist holds nothing.
    await loadAggregate(deps, board, 'board-9');
    expect(deps.states.get(board, 'board-9')).toBeUndefined();
  });
});
