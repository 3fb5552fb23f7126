import { randomUUID } from 'node:crypto';
import {
  ANY,
  DeadlineExceededError,
  EVENT_TYPE,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
  convertToCommandError,
  type JSONRecordedEvent,
  type Position,
} from '@eventstore/db-client';
import type { ServiceError } from '@grpc/grpc-js';
import { WrongExpectedVersion } from '@eventstore/db-client/generated/shared_pb';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import { AppendTooLargeError, WrongExpectedRevisionError, type EventMetadata, type ExpectedRevision } from '../../ports/event-store';
import { chainEvent } from './local-record';
import {
  MAX_COMMIT_POSITION,
  NO_POSITION,
  UnreadableEventError,
  checkpointToNumber,
  escapeRegex,
  eventAcceptor,
  eventPositionToNumber,
  eventTypeRegex,
  fromEsdbCurrentRevision,
  fromEsdbEvent,
  fromEsdbExpectedRevision,
  fromEsdbMetadata,
  isMaxAppendSizeExceeded,
  isStreamNotFound,
  isSystemEvent,
  isTransientError,
  isWrongExpectedVersion,
  normaliseConnectionString,
  normaliseEventId,
  numberToReadPosition,
  resolvedAllPosition,
  subscriptionFilter,
  toAppendTooLargeError,
  toEsdbEventData,
  toEsdbExpectedRevision,
  toEsdbMetadata,
  toWrongExpectedRevisionError,
} from './eventstoredb-mapping';

const pos = (commit: number, prepare = commit): Position => ({ commit: BigInt(commit), prepare: BigInt(prepare) });

describe('expected revisions', () => {
  const pairs: Array<[ExpectedRevision, unknown]> = [
    ['any', ANY],
    ['no_stream', NO_STREAM],
    ['stream_exists', STREAM_EXISTS],
    [0, 0n],
    [41, 41n],
  ];

  it.each(pairs)('maps %p to the client and back', (port, client) => {
    expect(toEsdbExpectedRevision(port)).toBe(client);
    expect(fromEsdbExpectedRevision(toEsdbExpectedRevision(port))).toBe(port);
  });

  it('treats -1 as no stream and rejects anything else that is not a revision', () => {
    expect(toEsdbExpectedRevision(-1)).toBe(NO_STREAM);
    for (const bad of [-2, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      expect(() => toEsdbExpectedRevision(bad)).toThrow(RangeError);
    }
  });

  it("maps the client's current revision to the port's actual revision (-1 for no stream)", () => {
    expect(fromEsdbCurrentRevision(NO_STREAM)).toBe(-1);
    expect(fromEsdbCurrentRevision(0n)).toBe(0);
    expect(fromEsdbCurrentRevision(7n)).toBe(7);
  });
});

describe('errors', () => {
  it('maps a WrongExpectedVersionError as append() builds it to the port error with the actual revision', () => {
    const error = new WrongExpectedVersionError(undefined, { streamName: 's-1', expected: 1n, current: 2n });
    expect(isWrongExpectedVersion(error)).toBe(true);
    const mapped = toWrongExpectedRevisionError(error, 's-1', 1);
    expect(mapped).toBeInstanceOf(WrongExpectedRevisionError);
    expect(mapped).toMatchObject({ streamName: 's-1', expected: 1, actual: 2 });
  });

  it('reports -1 when the stream does not exist', () => {
    const error = new WrongExpectedVersionError(undefined, { streamName: 's-2', expected: STREAM_EXISTS, current: NO_STREAM });
    expect(toWrongExpectedRevisionError(error, 's-2', 'stream_exists')).toMatchObject({ expected: 'stream_exists', actual: -1 });
  });

  it('maps the error batchAppend() builds from the protobuf details', () => {
    const details = new WrongExpectedVersion();
    details.setCurrentStreamRevision('4');
    details.setExpectedNoStream(new Empty());
    const error = WrongExpectedVersionError.fromWrongExpectedVersion(details, 's-3');
    expect(isWrongExpectedVersion(error)).toBe(true);
    expect(toWrongExpectedRevisionError(error, 's-3', 'no_stream')).toMatchObject({ streamName: 's-3', expected: 'no_stream', actual: 4 });

    const missing = new WrongExpectedVersion();
    missing.setCurrentNoStream(new Empty());
    missing.setExpectedStreamPosition('3');
    expect(toWrongExpectedRevisionError(WrongExpectedVersionError.fromWrongExpectedVersion(missing, 's-4'), 's-4', 3).actual).toBe(-1);
  });

  it('maps the error convertToCommandError() builds from gRPC trailers', () => {
    const trailers = { exception: 'wrong-expected-version', 'stream-name': 's-5', 'expected-version': '1', 'actual-version': '3' };
    const serviceError = Object.assign(new Error('wrong expected version'), {
      code: 9,
      details: 'wrong expected version',
      metadata: { getMap: () => trailers },
    }) as unknown as ServiceError;
    const error = convertToCommandError(serviceError);
    expect(isWrongExpectedVersion(error)).toBe(true);
    expect(toWrongExpectedRevisionError(error as WrongExpectedVersionError, 's-5', 1).actual).toBe(3);
  });

  it('recognises stream-not-found and transient errors, and nothing else', () => {
    expect(isStreamNotFound(new StreamNotFoundError(undefined, 'missing'))).toBe(true);
    expect(isStreamNotFound(new Error('not found'))).toBe(false);
    expect(isTransientError(new UnavailableError())).toBe(true);
    expect(isTransientError(new WrongExpectedVersionError(undefined, { streamName: 's', expected: ANY, current: 1n }))).toBe(false);
    expect(isWrongExpectedVersion({ type: 'wrong-expected-version' })).toBe(false);
  });

  it('treats both timeouts of an append as transient: BatchAppend\'s DeadlineExceeded and the unary Append\'s ABORTED', () => {
    expect(isTransientError(new DeadlineExceededError())).toBe(true);
    expect(isTransientError(new TimeoutError())).toBe(true);
  });

  it('maps the size refusal of both append paths to the port\'s AppendTooLargeError', () => {
    // BatchAppend: a Status packing MaximumAppendSizeExceeded.
    const fromBatch = MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576);
    expect(isMaxAppendSizeExceeded(fromBatch)).toBe(true);
    const mapped = toAppendTooLargeError(fromBatch, 's-6', 1000);
    expect(mapped).toBeInstanceOf(AppendTooLargeError);
    expect(mapped).toMatchObject({ streamName: 's-6', events: 1000, maxAppendBytes: 1_048_576 });
    // Unary Append: INVALID_ARGUMENT with the exception trailers.
    const trailers = { exception: 'maximum-append-size-exceeded', 'maximum-append-size': '524288' };
    const serviceError = Object.assign(new Error('Maximum Append Size of 524288 Exceeded.'), {
      code: 3,
      details: 'Maximum Append Size of 524288 Exceeded.',
      metadata: { getMap: () => trailers },
    }) as unknown as ServiceError;
    const fromUnary = convertToCommandError(serviceError);
    expect(isMaxAppendSizeExceeded(fromUnary)).toBe(true);
    expect(toAppendTooLargeError(fromUnary as MaxAppendSizeExceededError, 's-7', 3).maxAppendBytes).toBe(524_288);
    expect(isMaxAppendSizeExceeded(new UnavailableError())).toBe(false);
  });
});

describe('positions', () => {
  it('numbers events 2 × commit + 1, strictly increasing along the log', () => {
    const commits = [0, 112, 113, 4096, 1_000_000_007];
    const numbers = commits.map((c) => eventPositionToNumber(pos(c)));
    expect(numbers).toEqual([1, 225, 227, 8193, 2_000_000_015]);
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBeGreaterThan(numbers[i - 1]!);
  });

  it('numbers an event by its commit position whatever the prepare position says', () => {
    // Servers before 22.6 reported the transaction position as the prepare position of later events of one append.
    expect(eventPositionToNumber(pos(500, 400))).toBe(eventPositionToNumber(pos(500, 500)));
  });

  it('places a checkpoint {c, 0} before the event at c and {c, c} on it', () => {
    const event = eventPositionToNumber(pos(1000));
    expect(checkpointToNumber(pos(1000, 0))).toBe(event - 1);
    expect(checkpointToNumber(pos(1000, 1000))).toBe(event);
    expect(checkpointToNumber(pos(1000, 0))).toBeGreaterThan(eventPositionToNumber(pos(999)));
  });

  it("reads the server's (-1, -1) checkpoint of a subscription from the start, sent as {2^64 − 1, 2^64 − 1}, as the start", () => {
    // Position.FromInt64(-1, -1) on the server; the client reports the unsigned value.
    expect(NO_POSITION).toBe(18_446_744_073_709_551_615n);
    expect(checkpointToNumber({ commit: NO_POSITION, prepare: NO_POSITION })).toBe(0);
    expect(numberToReadPosition(checkpointToNumber({ commit: NO_POSITION, prepare: NO_POSITION }))).toBe(START);
    // Anything else beyond the exact range is still refused.
    expect(() => checkpointToNumber({ commit: NO_POSITION - 1n, prepare: 0n })).toThrow(RangeError);
  });

  it('reads from START at 0 and resumes exclusively from event positions and checkpoints', () => {
    expect(numberToReadPosition(0)).toBe(START);
    // After the event at 1000: the server position of that event (the adapter drops the event itself).
    expect(numberToReadPosition(eventPositionToNumber(pos(1000)))).toEqual(pos(1000, 1000));
    // After a checkpoint {1000, 0}: a position that still yields the event at 1000.
    expect(numberToReadPosition(checkpointToNumber(pos(1000, 0)))).toEqual(pos(1000, 0));
  });

  it('round-trips every event and checkpoint position through the number', () => {
    for (const c of [1, 2, 77, 65_536, 2 ** 40 + 3]) {
      const asEvent = numberToReadPosition(eventPositionToNumber(pos(c))) as Position;
      expect(eventPositionToNumber(asEvent)).toBe(eventPositionToNumber(pos(c)));
      const asCheckpoint = numberToReadPosition(checkpointToNumber(pos(c, 0))) as Position;
      expect(checkpointToNumber(asCheckpoint)).toBe(checkpointToNumber(pos(c, 0)));
    }
  });

  it('is exact up to 2^52 bytes of log and refuses what it cannot map exactly', () => {
    expect(eventPositionToNumber(pos(MAX_COMMIT_POSITION))).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => eventPositionToNumber({ commit: BigInt(MAX_COMMIT_POSITION) + 1n, prepare: 0n })).toThrow(RangeError);
    expect(() => numberToReadPosition(-1)).toThrow(RangeError);
    expect(() => numberToReadPosition(2.5)).toThrow(RangeError);
  });

  it('takes the position of a $all event from the event, or from the commit position when the event is absent', () => {
    expect(resolvedAllPosition({ commitPosition: 300n })).toBe(601);
    expect(resolvedAllPosition({})).toBeUndefined();
  });
});

describe('metadata', () => {
  const full: EventMetadata = {
    actor: { userId: 'u-1', role: 'admin' },
    requestId: 'req-1',
    correlationId: 'corr-1',
    causationId: 'cause-1',
    timestamp: '2024-05-06T07:08:09.123Z',
    schemaVersion: 2,
    prevHash: 'a'.repeat(64),
    hash: 'b'.repeat(64),
  };

  it('writes correlation and causation ids as $correlationId and $causationId', () => {
    const stored = toEsdbMetadata(full);
    expect(stored).toEqual({
      actor: { userId: 'u-1', role: 'admin' },
      requestId: 'req-1',
      $correlationId: 'corr-1',
      $causationId: 'cause-1',
      timestamp: '2024-05-06T07:08:09.123Z',
      schemaVersion: 2,
      prevHash: 'a'.repeat(64),
      hash: 'b'.repeat(64),
    });
    expect(stored).not.toHaveProperty('correlationId');
    expect(stored).not.toHaveProperty('causationId');
  });

  it('maps them back when read, through JSON as the server returns it', () => {
    expect(fromEsdbMetadata(JSON.parse(JSON.stringify(toEsdbMetadata(full))), 'x')).toEqual(full);
  });

  it('keeps a missing actor as null and absent optional fields absent', () => {
    const minimal: EventMetadata = { actor: null, timestamp: 't', schemaVersion: 1, prevHash: '', hash: 'h' };
    const stored = toEsdbMetadata(minimal);
    expect(Object.keys(stored).sort()).toEqual(['actor', 'hash', 'prevHash', 'schemaVersion', 'timestamp']);
    const read = fromEsdbMetadata(JSON.parse(JSON.stringify(stored)), 'x');
    expect(read).toEqual(minimal);
    expect(Object.keys(read).sort()).toEqual(['actor', 'hash', 'prevHash', 'schemaVersion', 'timestamp']);
  });

  it('refuses metadata this store did not write', () => {
    expect(() => fromEsdbMetadata(undefined, 's@0')).toThrow(UnreadableEventError);
    expect(() => fromEsdbMetadata({ timestamp: 't', schemaVersion: 1 }, 's@0')).toThrow(/hash chain/);
    expect(() => fromEsdbMetadata({ ...toEsdbMetadata(full), actor: 'root' }, 's@0')).toThrow(/actor/);
    expect(() => fromEsdbMetadata({ ...toEsdbMetadata(full), $correlationId: 5 }, 's@0')).toThrow(/\$correlationId/);
  });
});

describe('events', () => {
  it('normalises UUID ids to lower case and refuses ids that are not UUIDs', () => {
    const id = randomUUID();
    expect(normaliseEventId(id.toUpperCase())).toBe(id);
    expect(() => normaliseEventId('evt-1')).toThrow(/not a UUID/);
  });

  it('writes a chained event as JSON with $-named ids and reads it back to the same RecordedEvent, hash chain intact', () => {
    const chained = chainEvent('ticket-1', 0, '', {
      id: randomUUID(),
      type: 'TicketOpened',
      data: { title: 'x', n: 1 },
      metadata: { correlationId: 'c', causationId: 'k', timestamp: '2024-01-01T00:00:00.000Z', schemaVersion: 1 },
    });
    const data = toEsdbEventData(chained);
    expect(data).toMatchObject({ id: chained.id, type: 'TicketOpened', contentType: 'application/json', data: { title: 'x', n: 1 } });
    expect(data.metadata).toMatchObject({ $correlationId: 'c', $causationId: 'k', hash: chained.metadata.hash });

    // What the client hands back after a read: parsed JSON data and metadata, bigint revision, {commit, prepare}.
    const recorded = {
      streamId: 'ticket-1',
      id: chained.id,
      isJson: true,
      revision: 0n,
      type: 'TicketOpened',
      created: new Date(),
      data: JSON.parse(JSON.stringify(data.data)) as Record<string, unknown>,
      metadata: JSON.parse(JSON.stringify(data.metadata)) as Record<string, unknown>,
      position: pos(4242),
    } as JSONRecordedEvent;
    const event = fromEsdbEvent(recorded);
    expect(event).toEqual({
      id: chained.id,
      streamName: 'ticket-1',
      type: 'TicketOpened',
      revision: 0,
      position: 8485,
      data: chained.data,
      metadata: chained.metadata,
    });
  });

  it('refuses binary events and events without a position', () => {
    const base = { streamId: 's', id: randomUUID(), revision: 0n, type: 'T', created: new Date(), metadata: undefined };
    expect(() => fromEsdbEvent({ ...base, isJson: false, data: new Uint8Array([1]) } as never)).toThrow(/JSON object/);
    expect(() => fromEsdbEvent({ ...base, isJson: true, data: {} } as never)).toThrow(/no position/);
  });
});

describe('event-type filters and system events', () => {
  it('treats $-types and $-streams as system events', () => {
    expect(isSystemEvent('$>', 'ticket-1')).toBe(true);
    expect(isSystemEvent('$metadata', '$$ticket-1')).toBe(true);
    expect(isSystemEvent('Snapshot', '$projections-x')).toBe(true);
    expect(isSystemEvent('TicketOpened', 'ticket-1')).toBe(false);
  });

  it('builds an anchored, escaped regex of exactly the given types, or every non-system type', () => {
    const regex = eventTypeRegex(['B.Type', 'A', 'A', 'C+x']);
    expect(regex).toBe('^(?:A|B\\.Type|C\\+x)$');
    const re = new RegExp(regex);
    expect(['A', 'B.Type', 'C+x'].every((t) => re.test(t))).toBe(true);
    expect(['AB', 'BxType', 'A ', '$A', 'CCx'].some((t) => re.test(t))).toBe(false);

    const all = new RegExp(eventTypeRegex(undefined));
    expect(all.test('TicketOpened')).toBe(true);
    expect(all.test('$>')).toBe(false);
    expect(eventTypeRegex([])).toBe('^[^$]');
    expect(new RegExp(eventTypeRegex(['$stats'])).test('$stats')).toBe(false);
  });

  it('escapes every regex metacharacter and whitespace the same way for .NET and JavaScript', () => {
    const nasty = 'a.b*c+d?e^f$g|h(i)j[k]l{m}n\\o#p q-r';
    expect(new RegExp(`^${escapeRegex(nasty)}$`).test(nasty)).toBe(true);
    expect(escapeRegex(' ')).toBe('\\x20');
  });

  it("filters a subscription on the server by the handler's types, or leaves out only system events", () => {
    const reached: Position[] = [];
    const typed = subscriptionFilter(['B', 'A'], 3, (_s, position) => void reached.push(position));
    expect(typed).toMatchObject({ filterOn: EVENT_TYPE, regex: '^(?:A|B)$', checkpointInterval: 3 });
    const position = { commit: 7n, prepare: 7n };
    void typed.checkpointReached?.({} as never, position);
    expect(reached).toEqual([position]);
    for (const untyped of [undefined, []]) {
      const all = subscriptionFilter(untyped, 1, () => undefined);
      expect(all).toMatchObject({ filterOn: EVENT_TYPE, checkpointInterval: 1 });
      const re = new RegExp((all as { regex: string }).regex);
      expect(re.test('TicketOpened')).toBe(true);
      expect(re.test('$>')).toBe(false);
    }
    // Only system types asked for: nothing matches (never every event).
    expect(subscriptionFilter(['$stats'], 1, () => undefined)).toMatchObject({ regex: '^(?!)' });
  });

  it('accepts on the client exactly what the server filter passes, minus system streams', () => {
    const accepts = eventAcceptor(['A', 'B']);
    expect(accepts('A', 'ticket-1')).toBe(true);
    expect(accepts('C', 'ticket-1')).toBe(false);
    expect(accepts('A', '$projections-x')).toBe(false);
    expect(eventAcceptor(undefined)('Anything', 's')).toBe(true);
    expect(eventAcceptor([])('Anything', '$s')).toBe(false);
  });
});

describe('connection strings', () => {
  it('rewrites the KurrentDB schemes config.ts accepts to the ones client v6 parses', () => {
    expect(normaliseConnectionString('kurrentdb://localhost:2113?tls=false')).toBe('esdb://localhost:2113?tls=false');
    expect(normaliseConnectionString('kdb+discover://a:2113,b:2113')).toBe('esdb+discover://a:2113,b:2113');
    expect(normaliseConnectionString(' esdb://h:2113 ')).toBe('esdb://h:2113');
  });
});
