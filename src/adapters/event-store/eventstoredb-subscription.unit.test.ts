import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { AllStreamSubscription, Position, ReadPosition } from '@eventstore/db-client';
import { Subscription as ClientSubscription } from '@eventstore/db-client/dist/streams/utils/Subscription';
import { convertGrpcEvent } from '@eventstore/db-client/dist/utils/convertGrpcEvent';
import type { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { RecordedEvent, SubscriptionHandler } from '../../ports/event-store';
import { caughtUpResp, checkpointResp, eventResp, fakeRecord } from '../../../test/support/eventstoredb-fake-server';
import { EventStoreDbSubscription } from './eventstoredb-subscription';

/**
 * The subscription on the client's real Subscription transform (the object subscribeToAll
 * returns), fed by a fake gRPC stream of real ReadResp messages: ordering of events, checkpoints
 * and caught-up, batching, back-pressure, exclusivity, errors and stop — deterministically.
 */

const META = { actor: null, timestamp: '2024-01-01T00:00:00.000Z', schemaVersion: 1, prevHash: '', hash: 'h' };

/** A gRPC stream whose messages are produced on demand (so pulls can be counted). */
class FakeGrpcStream extends Readable {
  pulled = 0;
  cancelled = false;
  private readonly pending: Array<ReadResp | null> = [];
  private waiting = false;

  constructor(private readonly produce?: (i: number) => ReadResp | null) {
    super({ objectMode: true, highWaterMark: 4 });
  }

  send(...messages: ReadResp[]): void {
    this.pending.push(...messages);
    if (this.waiting) this._read();
  }

  finish(): void {
    this.pending.push(null);
    if (this.waiting) this._read();
  }

  override _read(): void {
    this.waiting = false;
    if (this.produce) {
      const next = this.produce(this.pulled);
      if (next) this.pulled++;
      this.push(next);
      return;
    }
    while (this.pending.length > 0) {
      const next = this.pending.shift()!;
      if (next) this.pulled++;
      if (!this.push(next)) return;
      if (next === null) return;
    }
    this.waiting = true;
  }

  cancel(): void {
    this.cancelled = true;
    // What grpc-js does on a client cancel: an error the client's Subscription ignores.
    this.emit('error', Object.assign(new Error('Cancelled on client'), { code: 1, details: 'Cancelled on client' }));
  }
}

interface Harness {
  grpc: FakeGrpcStream;
  from: ReadPosition | undefined;
  open: (from: ReadPosition, onCheckpoint: (p: Position) => void) => AllStreamSubscription;
}

function harness(grpc = new FakeGrpcStream()): Harness {
  const h: Harness = {
    grpc,
    from: undefined,
    open: (from, onCheckpoint) => {
      h.from = from;
      return new ClientSubscription(async () => grpc as never, convertGrpcEvent, {}, (_s, p) => onCheckpoint(p)) as unknown as AllStreamSubscription;
    },
  };
  return h;
}

/** Offsets 100, 200, …; the port position of offset o is 2o + 1. */
const at = (i: number) => 100 * (i + 1);
const num = (offset: number) => 2 * offset + 1;
const user = (i: number, type = 'A', stream = 's-1') => eventResp(fakeRecord(at(i), stream, i, type, { i }, META));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(2);
  }
}

/** Records every callback in order. */
function recorder(options: { slowMs?: number; failOn?: number } = {}) {
  const log: string[] = [];
  const events: RecordedEvent[] = [];
  const errors: Error[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const handler: SubscriptionHandler = {
    async onEvents(batch) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      log.push(`events:${batch.map((e) => e.data.i).join(',')}`);
      if (options.failOn !== undefined && batch.some((e) => e.data.i === options.failOn)) {
        inFlight--;
        throw new Error('handler failed');
      }
      if (options.slowMs) await sleep(options.slowMs);
      events.push(...batch);
      inFlight--;
    },
    onCheckpoint: (p) => void log.push(`checkpoint:${p}`),
    onCaughtUp: (p) => void log.push(`caughtUp:${p}`),
    onError: (e) => void errors.push(e),
  };
  return { handler, log, events, errors, maxInFlight: () => maxInFlight };
}

describe('EventStoreDB subscription', () => {
  it('delivers events in order in batches, skips other types, system events and system streams with a checkpoint after them', async () => {
    const h = harness();
    const r = recorder();
    const sub = new EventStoreDbSubscription(h.open, { eventTypes: ['A'], batchSize: 2 }, r.handler);
    h.grpc.send(
      user(0),
      user(1, 'B'),
      user(2),
      user(3),
      eventResp(fakeRecord(at(4), '$ce-s', 0, '$>', {}, {})),
      user(5, 'A', '$custom'),
      user(6, 'B'),
      caughtUpResp(),
    );
    await waitFor(() => r.log.some((l) => l.startsWith('caughtUp')));
    await sub.stop();
    expect(r.events.map((e) => e.data.i)).toEqual([0, 2, 3]);
    expect(r.log).toEqual(['events:0,2', 'events:3', `checkpoint:${num(at(6))}`, `caughtUp:${num(at(6))}`]);
    expect(r.events[0]).toMatchObject({ streamName: 's-1', type: 'A', revision: 0, position: num(at(0)), metadata: META });
  });

  it('reports caught-up and server checkpoints only after every event the client buffered before them', async () => {
    const h = harness();
    const r = recorder({ slowMs: 3 });
    const sub = new EventStoreDbSubscription(h.open, { batchSize: 5 }, r.handler);
    // Sent in one go: the client transforms the checkpoint and caught-up messages long before
    // the slow handler has taken the 40 events buffered ahead of them.
    const events = Array.from({ length: 40 }, (_, i) => user(i));
    h.grpc.send(...events.slice(0, 20), checkpointResp({ commit: at(19), prepare: at(19) }), ...events.slice(20), caughtUpResp());
    await waitFor(() => r.log.some((l) => l.startsWith('caughtUp')));
    await sub.stop();
    expect(r.events.map((e) => e.data.i)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(r.log[r.log.length - 1]).toBe(`caughtUp:${num(at(39))}`);
    // The checkpoint at event 19 came after its events and was not reported, being no further than them.
    expect(r.log.filter((l) => l.startsWith('checkpoint'))).toEqual([]);
    expect(r.maxInFlight()).toBe(1);
  });

  it('holds a checkpoint and caught-up that overtook buffered events until those events have been delivered', async () => {
    // A hand-driven source: the client emits `caughtUp` and calls checkpointReached while events it
    // already transformed still sit in its readable buffer (readableLength), to be emitted later.
    class ManualSource extends EventEmitter {
      readableLength = 0;
      pause = () => this;
      resume = () => this;
      unsubscribe = async () => undefined;
    }
    const source = new ManualSource();
    let checkpointReached!: (p: Position) => void;
    const r = recorder();
    const sub = new EventStoreDbSubscription(
      (_from, onCheckpoint) => {
        checkpointReached = onCheckpoint;
        return source as unknown as AllStreamSubscription;
      },
      { eventTypes: ['A'] },
      r.handler,
    );
    const resolved = (i: number, type = 'A') => convertGrpcEvent(user(i, type).getEvent()!);
    source.emit('data', resolved(0));
    // Events 1-3 are buffered in the client when the checkpoint and caught-up arrive.
    source.readableLength = 3;
    checkpointReached({ commit: BigInt(at(3)), prepare: BigInt(at(3)) });
    source.emit('caughtUp');
    await sleep(20);
    expect(r.log).toEqual(['events:0']);
    source.readableLength = 2;
    source.emit('data', resolved(1));
    source.readableLength = 1;
    source.emit('data', resolved(2));
    source.readableLength = 0;
    source.emit('data', resolved(3, 'B'));
    await waitFor(() => r.log.some((l) => l.startsWith('caughtUp')));
    await sub.stop();
    expect(r.log).toEqual(['events:0', 'events:1,2', `checkpoint:${num(at(3))}`, `caughtUp:${num(at(3))}`]);
  });

  it('reports a server checkpoint past skipped system events, conservatively before a {c, 0} record', async () => {
    const h = harness();
    const r = recorder();
    const sub = new EventStoreDbSubscription(h.open, { eventTypes: ['A'] }, r.handler);
    h.grpc.send(user(0), checkpointResp({ commit: at(5), prepare: 0 }), checkpointResp({ commit: at(3), prepare: at(3) }), caughtUpResp());
    await waitFor(() => r.log.some((l) => l.startsWith('caughtUp')));
    await sub.stop();
    // {c, 0} → 2c: after every event before c, before the event at c. A lower checkpoint is not reported.
    expect(r.log).toEqual(['events:0', `checkpoint:${2 * at(5)}`, `caughtUp:${2 * at(5)}`]);
  });

  it("takes the server's (-1, -1) checkpoint of a catch-up from the start that met no event as the start, and goes on", async () => {
    const h = harness();
    const r = recorder();
    const sub = new EventStoreDbSubscription(h.open, { eventTypes: ['A'] }, r.handler);
    // A fresh node: the log holds only its epoch record, which the filter skips; the catch-up ends
    // within its first interval and the server sends (-1, -1) as the client reads it, 2^64 − 1.
    h.grpc.send(checkpointResp({ commit: -1, prepare: -1 }), caughtUpResp());
    await waitFor(() => r.log.some((l) => l.startsWith('caughtUp')));
    h.grpc.send(user(0));
    await waitFor(() => r.events.length === 1);
    await sub.stop();
    expect(r.errors).toEqual([]);
    expect(r.log).toEqual(['caughtUp:0', 'events:0']);
  });

  it('subscribes after fromPosition and drops anything at or before it, or delivered twice', async () => {
    const h = harness();
    const r = recorder();
    const sub = new EventStoreDbSubscription(h.open, { fromPosition: num(at(1)) }, r.handler);
    expect(h.from).toEqual({ commit: BigInt(at(1)), prepare: BigInt(at(1)) });
    h.grpc.send(user(0), user(1), user(2), user(2), user(3), caughtUpResp());
    await waitFor(() => r.log.some((l) => l.startsWith('caughtUp')));
    await sub.stop();
    expect(r.events.map((e) => e.data.i)).toEqual([2, 3]);
  });

  it('starts from the beginning without a fromPosition', async () => {
    const h = harness();
    const sub = new EventStoreDbSubscription(h.open, {}, recorder().handler);
    await sub.stop();
    expect(h.from).toBe('start');
  });

  it('holds the gRPC stream while the handler is busy instead of buffering the whole log', async () => {
    let released = false;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const grpc = new FakeGrpcStream((i) => (i < 10_000 ? user(i) : null));
    const h = harness(grpc);
    let delivered = 0;
    const sub = new EventStoreDbSubscription(h.open, { batchSize: 10 }, {
      async onEvents(batch) {
        if (!released) await gate;
        delivered += batch.length;
      },
    });
    await sleep(100);
    // Blocked handler: only the local queue and the stream buffers' worth has been pulled.
    expect(grpc.pulled).toBeLessThan(200);
    released = true;
    release();
    await waitFor(() => delivered === 10_000, 10_000);
    await sub.stop();
    expect(grpc.pulled).toBe(10_000);
  });

  it('delivers what was queued, then calls onError once when the stream fails, and nothing after', async () => {
    const h = harness();
    const r = recorder();
    new EventStoreDbSubscription(h.open, {}, r.handler);
    h.grpc.send(user(0), user(1));
    await waitFor(() => r.events.length === 2);
    const failure = Object.assign(new Error('14 UNAVAILABLE: connection reset'), { code: 14, details: 'connection reset' });
    h.grpc.destroy(failure);
    await waitFor(() => r.errors.length === 1);
    await sleep(20);
    expect(r.errors).toHaveLength(1);
    expect(r.events.map((e) => e.data.i)).toEqual([0, 1]);
  });

  it('treats the server ending the subscription as a drop', async () => {
    const h = harness();
    const r = recorder();
    new EventStoreDbSubscription(h.open, {}, r.handler);
    h.grpc.send(user(0));
    h.grpc.finish();
    await waitFor(() => r.errors.length === 1);
    expect(r.errors[0]!.message).toMatch(/ended/);
    expect(r.events).toHaveLength(1);
  });

  it('drops the subscription, cancels the gRPC call and reports the error when the handler throws', async () => {
    const h = harness();
    const r = recorder({ failOn: 1 });
    new EventStoreDbSubscription(h.open, { batchSize: 1 }, r.handler);
    h.grpc.send(user(0), user(1), user(2));
    await waitFor(() => r.errors.length === 1);
    await waitFor(() => h.grpc.cancelled);
    h.grpc.send(user(3));
    await sleep(20);
    expect(r.errors[0]!.message).toBe('handler failed');
    expect(r.log).toEqual(['events:0', 'events:1']);
  });

  it('reports an event it cannot read as an error instead of skipping it', async () => {
    const h = harness();
    const r = recorder();
    new EventStoreDbSubscription(h.open, {}, r.handler);
    h.grpc.send(eventResp(fakeRecord(at(0), 's-1', 0, 'A', { i: 0 }, { timestamp: 'x' })));
    await waitFor(() => r.errors.length === 1);
    expect(r.errors[0]!.message).toMatch(/cannot be read by this store/);
    expect(r.events).toEqual([]);
  });

  it('stop() waits for the handler call in flight, cancels the call, and delivers nothing afterwards', async () => {
    const h = harness();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    let finished = false;
    const sub = new EventStoreDbSubscription(h.open, { batchSize: 1 }, {
      async onEvents() {
        calls++;
        await gate;
        finished = true;
      },
    });
    h.grpc.send(user(0), user(1));
    await waitFor(() => calls === 1);
    let stopped = false;
    const stopping = sub.stop().then(() => (stopped = true));
    await sleep(20);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(true);
    expect(h.grpc.cancelled).toBe(true);
    await sleep(20);
    expect(calls).toBe(1);
  });

  it('refuses a batch size below one', () => {
    expect(() => new EventStoreDbSubscription(harness().open, { batchSize: 0 }, recorder().handler)).toThrow(RangeError);
  });
});
