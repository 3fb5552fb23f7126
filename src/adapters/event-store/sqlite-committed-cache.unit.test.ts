import type { RecordedEvent } from '../../ports/event-store';
import { CommittedEvents, rowOf, type CommittedAppend } from './sqlite-committed-cache';

let position = 100;
const revisions = new Map<string, number>();

/** One committed append of `count` events to `stream`, at the next positions (or at `at`). */
function append(stream: string, count = 1, type = 'Noted', at?: number): CommittedAppend {
  const events: RecordedEvent[] = [];
  for (let i = 0; i < count; i++) {
    const revision = revisions.get(stream) ?? 0;
    revisions.set(stream, revision + 1);
    position = at !== undefined && i === 0 ? at : position + 1;
    events.push({
      id: `e${position}`,
      streamName: stream,
      type,
      revision,
      position,
      data: { n: position },
      metadata: { actor: null, requestId: 'r', correlationId: 'c', causationId: 'cause', timestamp: 't', schemaVersion: 1, prevHash: '', hash: 'h' },
    });
  }
  return { events, dataJson: events.map((e) => JSON.stringify(e.data)) };
}

/** The rows of an append, as a read of the file would return them. */
const rowsOf = (a: CommittedAppend) => a.events.map((e, i) => rowOf(e, a.dataJson[i]!));

const positions = (rows: Array<{ position: number }> | undefined) => rows?.map((r) => r.position);

beforeEach(() => {
  position = 100;
  revisions.clear();
});

describe('CommittedEvents: recent events by position', () => {
  it('answers a range only when every committed event after its start is held and its end is known', () => {
    const cache = new CommittedEvents(100);
    cache.committed([append('a', 2), append('b')]);
    expect(cache.head).toBe(103);
    expect(positions(cache.range(100, 103, 10, undefined))).toEqual([101, 102, 103]);
    expect(positions(cache.range(101, 103, 1, undefined))).toEqual([102]);
    expect(positions(cache.range(100, 103, 10, new Set(['Other'])))).toEqual([]);
    // Before the view started, or past what it has been told: the file answers.
    expect(cache.range(99, 103, 10, undefined)).toBeUndefined();
    expect(cache.range(100, 104, 10, undefined)).toBeUndefined();
  });

  it('keeps the rows as stored: the data as its JSON text, the metadata in stored key order', () => {
    const cache = new CommittedEvents(100);
    const committed = append('a');
    cache.committed([committed]);
    const [row] = cache.range(100, 101, 10, undefined)!;
    expect(row).toEqual({
      position: 101,
      id: 'e101',
      stream: 'a',
      revision: 0,
      type: 'Noted',
      data: '{"n":101}',
      metadata: JSON.stringify(committed.events[0]!.metadata),
    });
  });

  it('skips over positions no commit used, and drops the oldest events past twice its size', () => {
    const cache = new CommittedEvents(100, { recentEvents: 2, streamEvents: 10, eventsPerStream: 10 });
    cache.committed([append('a'), append('a', 1, 'Noted', 105)]);
    expect(positions(cache.range(100, 105, 10, undefined))).toEqual([101, 105]);
    cache.committed([append('a', 3)]);
    // Five held, over twice the size: the three oldest go, and the view now starts after 106.
    expect(cache.range(105, 108, 10, undefined)).toBeUndefined();
    expect(positions(cache.range(106, 108, 10, undefined))).toEqual([107, 108]);
  });

  it('stops answering from memory if positions ever go backwards', () => {
    const cache = new CommittedEvents(100);
    cache.committed([append('a'), append('b', 1, 'Noted', 101)]);
    expect(cache.head).toBeUndefined();
    expect(cache.range(100, 101, 10, undefined)).toBeUndefined();
  });
});

describe('CommittedEvents: whole streams', () => {
  it('holds a stream that began with an append, and follows its later appends', () => {
    const cache = new CommittedEvents(100);
    cache.committed([append('a', 2)]);
    cache.committed([append('a')]);
    expect(cache.stream('a')?.map((r) => r.revision)).toEqual([0, 1, 2]);
    expect(cache.stream('b')).toBeUndefined();
  });

  it('does not start holding a stream from an append in its middle', () => {
    const cache = new CommittedEvents(100);
    revisions.set('a', 4);
    cache.committed([append('a')]);
    expect(cache.stream('a')).toBeUndefined();
  });

  it('holds a stream read whole from the file, [] for one that does not exist, and extends both', () => {
    const cache = new CommittedEvents(100);
    cache.remember('a', rowsOf(append('a', 2)));
    cache.remember('new', []);
    cache.committed([append('a'), append('new')]);
    expect(cache.stream('a')?.map((r) => r.revision)).toEqual([0, 1, 2]);
    expect(cache.stream('new')?.map((r) => r.revision)).toEqual([0]);
  });

  it('drops a held stream that an append does not continue exactly (a read saw a commit before its answer)', () => {
    const cache = new CommittedEvents(100);
    cache.committed([append('a')]);
    cache.remember('a', []); // stale on purpose: the file has revision 0, memory says "no stream"
    revisions.set('a', 1);
    cache.committed([append('a')]);
    expect(cache.stream('a')).toBeUndefined();
  });

  it('drops the least recently used streams past its total, and streams longer than its per-stream limit', () => {
    const cache = new CommittedEvents(100, { recentEvents: 100, streamEvents: 4, eventsPerStream: 3 });
    cache.committed([append('a', 2), append('b', 2)]);
    cache.stream('a'); // a is now the most recently used
    cache.committed([append('c')]);
    expect(cache.stream('b')).toBeUndefined();
    expect(cache.stream('a')).toHaveLength(2);
    expect(cache.stream('c')).toHaveLength(1);
    cache.committed([append('a', 2)]);
    expect(cache.stream('a')).toBeUndefined();
    cache.remember('long', rowsOf(append('long', 4)));
    expect(cache.stream('long')).toBeUndefined();
  });
});

describe('CommittedEvents: stream heads', () => {
  it('knows the last revision of the streams it was told of, appended or read whole, and no other', () => {
    const cache = new CommittedEvents(100, { recentEvents: 10, streamEvents: 100, eventsPerStream: 2 });
    cache.committed([append('a', 3), append('b')]);
    expect(cache.headOf('a')).toBe(2);
    expect(cache.headOf('b')).toBe(0);
    cache.committed([append('a')]);
    expect(cache.headOf('a')).toBe(3);
    expect(cache.headOf('c')).toBeUndefined();
    // A stream read whole: longer than the cache holds whole, its head is still kept; an empty one does not exist.
    cache.remember('c', rowsOf(append('c', 5)));
    expect(cache.stream('c')).toBeUndefined();
    expect(cache.headOf('c')).toBe(4);
    cache.remember('d', []);
    expect(cache.headOf('d')).toBe(-1);
  });

  it('keeps at most so many heads, forgetting the least recently told first', () => {
    const cache = new CommittedEvents(100, { recentEvents: 10, streamEvents: 100, eventsPerStream: 10, streamHeads: 2 });
    cache.committed([append('a'), append('b')]);
    cache.committed([append('a')]);
    cache.committed([append('c')]);
    expect(cache.headOf('b')).toBeUndefined();
    expect(cache.headOf('a')).toBe(1);
    expect(cache.headOf('c')).toBe(0);
  });
});
