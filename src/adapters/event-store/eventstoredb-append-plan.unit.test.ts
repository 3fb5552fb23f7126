import { randomUUID } from 'node:crypto';
import { NO_STREAM } from '@eventstore/db-client';
import { WrongExpectedRevisionError, type NewEvent, type RecordedEvent } from '../../ports/event-store';
import { chainHash, verifyChain } from '../../ports/hash-chain';
import {
  EMPTY_HEAD,
  checkExpected,
  checkReadBack,
  conflictBackoffMs,
  decideHead,
  headOf,
  planAppend,
  retriesOnConflict,
  type StreamHead,
} from './eventstoredb-append-plan';
import { HeadCache, KeyedQueue } from './eventstoredb-heads';

function newEvent(type: string, data: Record<string, unknown> = {}): NewEvent {
  return { id: randomUUID(), type, data, metadata: { timestamp: '2024-01-01T00:00:00.000Z', schemaVersion: 1, correlationId: 'c-1' } };
}

/** What the store would read back: the planned events with positions. */
function stored(plan: ReturnType<typeof planAppend>, firstPosition = 101): RecordedEvent[] {
  return plan.events.map((e, i) => ({
    id: e.id,
    streamName: e.streamName,
    type: e.type,
    revision: e.revision,
    position: firstPosition + 2 * i,
    data: e.data,
    metadata: e.metadata,
  }));
}

describe('head decision', () => {
  const cached: StreamHead = { revision: 4, hash: 'h4', position: 99 };

  it('needs no read for no_stream: the server checks it', () => {
    expect(decideHead('no_stream', cached, 1)).toEqual({ kind: 'use', head: EMPTY_HEAD });
    expect(decideHead(-1, undefined, 2)).toEqual({ kind: 'use', head: EMPTY_HEAD });
  });

  it('uses the cached head for an exact revision only when it is at that revision', () => {
    expect(decideHead(4, cached, 1)).toEqual({ kind: 'use', head: cached });
    expect(decideHead(3, cached, 1)).toEqual({ kind: 'read' });
    expect(decideHead(4, undefined, 1)).toEqual({ kind: 'read' });
  });

  it("uses the cached head optimistically for 'any' and 'stream_exists', else reads", () => {
    expect(decideHead('any', cached, 1)).toEqual({ kind: 'use', head: cached });
    expect(decideHead('stream_exists', cached, 1)).toEqual({ kind: 'use', head: cached });
    expect(decideHead('any', undefined, 1)).toEqual({ kind: 'read' });
  });

  it('always reads for an empty append, whose answer is the actual stream state', () => {
    expect(decideHead('no_stream', cached, 0)).toEqual({ kind: 'read' });
    expect(decideHead(4, cached, 0)).toEqual({ kind: 'read' });
  });

  it("checks the caller's expectation against a head that was read, with the actual revision", () => {
    expect(() => checkExpected('s', 3, { revision: 3, hash: 'h', position: 7 })).not.toThrow();
    expect(() => checkExpected('s', 'any', EMPTY_HEAD)).not.toThrow();
    const cases: Array<[Parameters<typeof checkExpected>[1], StreamHead, number]> = [
      [2, { revision: 3, hash: 'h', position: 7 }, 3],
      [0, EMPTY_HEAD, -1],
      ['stream_exists', EMPTY_HEAD, -1],
      ['no_stream', { revision: 0, hash: 'h', position: 7 }, 0],
    ];
    for (const [expected, head, actual] of cases) {
      let error: unknown;
      try {
        checkExpected('s', expected, head);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(error).toMatchObject({ streamName: 's', expected, actual });
    }
  });

  it("retries server conflicts only when the caller did not name a revision", () => {
    expect(retriesOnConflict('any')).toBe(true);
    expect(retriesOnConflict('stream_exists')).toBe(true);
    expect(retriesOnConflict('no_stream')).toBe(false);
    expect(retriesOnConflict(3)).toBe(false);
  });
});

describe('append plan', () => {
  it('starts a new stream at revision 0 with an empty prevHash, expecting no stream', () => {
    const plan = planAppend('ticket-1', [newEvent('Opened'), newEvent('Noted')], EMPTY_HEAD);
    expect(plan.expectedRevision).toBe(NO_STREAM);
    expect(plan.events.map((e) => e.revision)).toEqual([0, 1]);
    expect(plan.events[0]!.metadata.prevHash).toBe('');
    expect(plan.events[1]!.metadata.prevHash).toBe(plan.events[0]!.metadata.hash);
    expect(plan.nextHead).toEqual({ revision: 1, hash: plan.events[1]!.metadata.hash });
    expect(verifyChain('ticket-1', stored(plan)).valid).toBe(true);
  });

  it('continues a stream after its head with the exact head revision as the expectation', () => {
    const first = planAppend('ticket-2', [newEvent('Opened')], EMPTY_HEAD);
    const head = headOf(stored(first)[0]);
    const second = planAppend('ticket-2', [newEvent('Closed', { reason: 'done' })], head);
    expect(second.expectedRevision).toBe(0n);
    expect(second.events[0]!.revision).toBe(1);
    expect(second.events[0]!.metadata.prevHash).toBe(first.events[0]!.metadata.hash);
    expect(second.events[0]!.metadata.hash).toBe(chainHash(first.events[0]!.metadata.hash, second.events[0]!));
    expect(verifyChain('ticket-2', [...stored(first), ...stored(second, 201)]).valid).toBe(true);
  });

  it('hashes the lower-case id EventStoreDB returns, so the chain verifies on what is read back', () => {
    const event = newEvent('Opened');
    const plan = planAppend('ticket-3', [{ ...event, id: event.id.toUpperCase() }], EMPTY_HEAD);
    expect(plan.events[0]!.id).toBe(event.id);
    expect(verifyChain('ticket-3', stored(plan)).valid).toBe(true);
  });

  it('computes the same hashes as the local stores for the same inputs (migration keeps hashes)', () => {
    const events = [newEvent('A', { n: 1 }), newEvent('B', { at: '2024-01-01' })];
    const plan = planAppend('s', events, EMPTY_HEAD);
    let prev = '';
    for (const [i, e] of plan.events.entries()) {
      expect(e.metadata.hash).toBe(chainHash(prev, { streamName: 's', revision: i, id: events[i]!.id, type: events[i]!.type, data: events[i]!.data, metadata: events[i]!.metadata }));
      prev = e.metadata.hash;
    }
  });

  it('refuses ids that EventStoreDB cannot store before anything is sent', () => {
    expect(() => planAppend('s', [{ ...newEvent('A'), id: 'not-a-uuid' }], EMPTY_HEAD)).toThrow(/not a UUID/);
  });

  it('accepts a read-back of exactly the planned events and rejects anything else', () => {
    const plan = planAppend('s', [newEvent('A'), newEvent('B')], EMPTY_HEAD);
    expect(() => checkReadBack('s', plan, stored(plan))).not.toThrow();
    expect(() => checkReadBack('s', plan, stored(plan).slice(0, 1))).toThrow(/reading it back/);
    expect(() => checkReadBack('s', plan, [...stored(plan)].reverse())).toThrow(/reading it back/);
  });

  it('backs off with jitter, growing and capped', () => {
    expect(conflictBackoffMs(0, () => 0)).toBe(3);
    expect(conflictBackoffMs(0, () => 1)).toBe(5);
    expect(conflictBackoffMs(3, () => 1)).toBe(40);
    expect(conflictBackoffMs(30, () => 1)).toBe(200);
  });

  it('takes a head from the last event, or the empty head for no event', () => {
    const [event] = stored(planAppend('s', [newEvent('A')], EMPTY_HEAD));
    expect(headOf(event)).toEqual({ revision: 0, hash: event!.metadata.hash, position: event!.position });
    expect(headOf(undefined)).toBe(EMPTY_HEAD);
  });
});

describe('head cache', () => {
  it('remembers heads and forgets the least recently used beyond its capacity', () => {
    const cache = new HeadCache(2);
    cache.set('a', { revision: 0, hash: 'a', position: 1 });
    cache.set('b', { revision: 0, hash: 'b', position: 3 });
    expect(cache.get('a')?.hash).toBe('a');
    cache.set('c', { revision: 0, hash: 'c', position: 5 });
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.hash).toBe('a');
    expect(cache.size).toBe(2);
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
    const none = new HeadCache(0);
    none.set('a', { revision: 0, hash: 'a', position: 1 });
    expect(none.get('a')).toBeUndefined();
  });
});

describe('keyed queue', () => {
  it('runs tasks of one key in call order, one at a time, other keys concurrently, and forgets idle keys', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const a1 = queue.run('a', async () => {
      log.push('a1 start');
      await gate;
      log.push('a1 end');
      return 1;
    });
    const a2 = queue.run('a', async () => {
      log.push('a2');
      throw new Error('a2 failed');
    });
    const a3 = queue.run('a', async () => {
      log.push('a3');
      return 3;
    });
    const b1 = queue.run('b', async () => {
      log.push('b1');
      return 'b';
    });
    expect(await b1).toBe('b');
    expect(log).toEqual(['a1 start', 'b1']);
    release();
    expect(await a1).toBe(1);
    await expect(a2).rejects.toThrow('a2 failed');
    expect(await a3).toBe(3);
    expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2', 'a3']);
    await new Promise((r) => setImmediate(r));
    expect(queue.active).toBe(0);
  });
});
