import { randomUUID } from 'node:crypto';
import { Server, ServerCredentials, status, type sendUnaryData, type ServerReadableStream, type ServerWritableStream } from '@grpc/grpc-js';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { AppendReq, AppendResp, ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { Empty, StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';

/**
 * A small in-memory stand-in for EventStoreDB's gRPC Streams API (Read and Append), so that the
 * EventStore port contract runs through the real `@eventstore/db-client` over real HTTP/2 on
 * machines without Docker. It is a TEST DOUBLE: it models what the adapter relies on, the way the
 * server source (KurrentDB 24.x: AllReader, Enumerator.AllSubscriptionFiltered, Streams.Read)
 * does it, and proves the adapter's use of the client — not the server's behaviour.
 *
 * What it models:
 * - a transaction log of records at byte offsets; every event is committed on its own, so its
 *   position is {offset, offset}; offsets grow by each record's size;
 * - "system projections": after each user event a `$>` link event is written to `$ce-<category>`,
 *   and the log starts with a system event, so `$all` really mixes system and user events;
 * - appends with expected revision any / no_stream / stream_exists / exact, idempotent when the
 *   same ids are appended again at the same expected revision, WrongExpectedVersion otherwise;
 * - stream reads forwards/backwards with StreamNotFound;
 * - `$all` reads forwards (inclusive: records at or after the position) and backwards (records
 *   before the position), with or without an event-type filter (regex or prefixes);
 * - catch-up subscriptions to `$all`, exclusive of the start position, with the event-type
 *   filter, checkpoints as the server sends them ({page start, 0} or the last event's position
 *   during catch-up, the skipped event's position when live, every multiplier × window considered
 *   events) and a CaughtUp message when going live.
 */

export interface FakeRecord {
  offset: number;
  id: string;
  streamName: string;
  revision: number;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
}

type Pos = { commit: number; prepare: number };

const cmp = (a: Pos, b: Pos): number => a.commit - b.commit || a.prepare - b.prepare;
const posOf = (r: FakeRecord): Pos => ({ commit: r.offset, prepare: r.offset });

/** Default search window of the server's filtered reads (Enumerator.ReadBatchSize). */
export const SERVER_READ_BATCH = 32;

export type Expected = { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'revision'; revision: number };

export type AppendOutcome =
  | { ok: true; revision: number; position: Pos }
  | { ok: false; current: number; expected: Expected };

export class FakeEventLog {
  readonly records: FakeRecord[] = [];
  private readonly streams = new Map<string, FakeRecord[]>();
  private readonly listeners = new Set<() => void>();
  private end = 0;

  constructor(private readonly options: { systemProjections?: boolean } = {}) {
    this.write('$epoch-information', '$epoch', Buffer.from('{"epoch":0}'));
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stream(streamName: string): readonly FakeRecord[] {
    return this.streams.get(streamName) ?? [];
  }

  private write(
    streamName: string,
    type: string,
    data: Uint8Array,
    metadata: Uint8Array = new Uint8Array(),
    id: string = randomUUID(),
    contentType = 'application/json',
  ): FakeRecord {
    const stream = this.streams.get(streamName) ?? [];
    const record: FakeRecord = { offset: this.end, id, streamName, revision: stream.length, type, contentType, data, metadata };
    // Header, stream name, type, payloads: record sizes vary like the real log's.
    this.end += 60 + Buffer.byteLength(streamName) + Buffer.byteLength(type) + data.length + metadata.length;
    stream.push(record);
    this.streams.set(streamName, stream);
    this.records.push(record);
    return record;
  }

  append(
    streamName: string,
    expected: Expected,
    events: Array<{ id: string; type: string; contentType: string; data: Uint8Array; metadata: Uint8Array }>,
  ): AppendOutcome {
    const stream = this.stream(streamName);
    const current = stream.length - 1;
    if (expected.kind === 'revision') {
      // Idempotent retry: the same ids already follow the expected revision.
      const following = stream.slice(expected.revision + 1, expected.revision + 1 + events.length);
      if (events.length > 0 && following.length === events.length && following.every((r, i) => r.id === events[i]!.id)) {
        return { ok: true, revision: following[following.length - 1]!.revision, position: posOf(following[following.length - 1]!) };
      }
    }
    const ok =
      expected.kind === 'any' ||
      (expected.kind === 'no_stream' && current === -1) ||
      (expected.kind === 'stream_exists' && current >= 0) ||
      (expected.kind === 'revision' && expected.revision === current);
    if (!ok) return { ok: false, current, expected };
    const written = events.map((e) => this.write(streamName, e.type, e.data, e.metadata, e.id, e.contentType));
    const last = written[written.length - 1];
    if (this.options.systemProjections !== false) {
      for (const r of written) this.write(`$ce-${streamName.split('-')[0]}`, '$>', Buffer.from(`${r.revision}@${streamName}`), new Uint8Array(), randomUUID(), 'application/octet-stream');
    }
    for (const listener of this.listeners) listener();
    if (!last) return { ok: true, revision: current, position: { commit: this.end, prepare: this.end } };
    return { ok: true, revision: last.revision, position: posOf(last) };
  }
}

// -----------------------------------------------------------------------------------------------
// Messages, as the server builds them

export function recordedEventMessage(r: FakeRecord): ReadResp.ReadEvent.RecordedEvent {
  const m = new ReadResp.ReadEvent.RecordedEvent();
  const id = new UUID();
  id.setString(r.id);
  m.setId(id);
  const sid = new StreamIdentifier();
  sid.setStreamName(Buffer.from(r.streamName));
  m.setStreamIdentifier(sid);
  m.setStreamRevision(String(r.revision));
  m.setCommitPosition(String(r.offset));
  m.setPreparePosition(String(r.offset));
  const meta = m.getMetadataMap();
  meta.set('type', r.type);
  meta.set('content-type', r.contentType);
  meta.set('created', String(BigInt(Date.now()) * 10_000n));
  m.setData(r.data);
  m.setCustomMetadata(r.metadata);
  return m;
}

export function eventResp(r: FakeRecord): ReadResp {
  const event = new ReadResp.ReadEvent();
  event.setEvent(recordedEventMessage(r));
  event.setCommitPosition(String(r.offset));
  const resp = new ReadResp();
  resp.setEvent(event);
  return resp;
}

export function checkpointResp(p: Pos): ReadResp {
  const c = new ReadResp.Checkpoint();
  c.setCommitPosition(String(p.commit));
  c.setPreparePosition(String(p.prepare));
  const resp = new ReadResp();
  resp.setCheckpoint(c);
  return resp;
}

export function caughtUpResp(): ReadResp {
  const resp = new ReadResp();
  resp.setCaughtUp(new ReadResp.CaughtUp());
  return resp;
}

export function confirmationResp(): ReadResp {
  const c = new ReadResp.SubscriptionConfirmation();
  c.setSubscriptionId(randomUUID());
  const resp = new ReadResp();
  resp.setConfirmation(c);
  return resp;
}

function streamNotFoundResp(streamName: string): ReadResp {
  const nf = new ReadResp.StreamNotFound();
  const sid = new StreamIdentifier();
  sid.setStreamName(Buffer.from(streamName));
  nf.setStreamIdentifier(sid);
  const resp = new ReadResp();
  resp.setStreamNotFound(nf);
  return resp;
}

/** A user event record (JSON) for tests that build messages by hand. */
export function fakeRecord(offset: number, streamName: string, revision: number, type: string, data: object, metadata: object): FakeRecord {
  return {
    offset,
    id: randomUUID(),
    streamName,
    revision,
    type,
    contentType: 'application/json',
    data: Buffer.from(JSON.stringify(data)),
    metadata: Buffer.from(JSON.stringify(metadata)),
  };
}

// -----------------------------------------------------------------------------------------------
// The gRPC service

function filterOf(options: ReadReq.Options): ((r: FakeRecord) => boolean) | undefined {
  if (!options.hasFilter()) return undefined;
  const filter = options.getFilter()!;
  const onType = filter.hasEventType();
  const expr = onType ? filter.getEventType()! : filter.getStreamIdentifier()!;
  const field = (r: FakeRecord) => (onType ? r.type : r.streamName);
  const regex = expr.getRegex();
  if (regex) {
    const re = new RegExp(regex);
    return (r) => re.test(field(r));
  }
  const prefixes = expr.getPrefixList();
  return (r) => prefixes.some((p) => field(r).startsWith(p));
}

function allPosition(all: ReadReq.Options.AllOptions): Pos | 'start' | 'end' {
  if (all.hasStart()) return 'start';
  if (all.hasEnd()) return 'end';
  const p = all.getPosition()!;
  return { commit: Number(p.getCommitPosition()), prepare: Number(p.getPreparePosition()) };
}

async function write(call: ServerWritableStream<ReadReq, ReadResp>, resp: ReadResp): Promise<void> {
  if (call.cancelled || call.destroyed) return;
  if (!call.write(resp)) await new Promise<void>((resolve) => call.once('drain', () => resolve()));
}

function readStream(log: FakeEventLog, call: ServerWritableStream<ReadReq, ReadResp>, options: ReadReq.Options): void {
  const so = options.getStream()!;
  const streamName = Buffer.from(so.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8');
  const stream = log.stream(streamName);
  if (stream.length === 0) {
    call.write(streamNotFoundResp(streamName));
    call.end();
    return;
  }
  const count = Number(options.getCount());
  const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
  let out: FakeRecord[];
  if (backwards) {
    const from = so.hasEnd() || (!so.hasRevision() && !so.hasStart()) ? stream.length - 1 : so.hasStart() ? 0 : Number(so.getRevision());
    out = stream.slice(0, Math.min(from, stream.length - 1) + 1).reverse();
  } else {
    const from = so.hasRevision() ? Number(so.getRevision()) : so.hasEnd() ? stream.length : 0;
    out = stream.slice(from);
  }
  for (const r of out.slice(0, count)) call.write(eventResp(r));
  call.end();
}

function readAll(log: FakeEventLog, call: ServerWritableStream<ReadReq, ReadResp>, options: ReadReq.Options): void {
  const from = allPosition(options.getAll()!);
  const accept = filterOf(options) ?? (() => true);
  const count = Number(options.getCount());
  const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
  let candidates: FakeRecord[];
  if (backwards) {
    // Records ending at or before the position: every record that starts before its commit.
    candidates = log.records.filter((r) => from === 'end' || (from !== 'start' && r.offset < from.commit)).reverse();
  } else {
    candidates = log.records.filter((r) => from === 'start' || (from !== 'end' && cmp(posOf(r), from) >= 0));
  }
  for (const r of candidates.filter(accept).slice(0, count)) call.write(eventResp(r));
  call.end();
}

/** Catch-up, then live; modelled on Enumerator.AllSubscriptionFiltered. */
async function subscribeToAll(
  log: FakeEventLog,
  call: ServerWritableStream<ReadReq, ReadResp>,
  options: ReadReq.Options,
  registerStop: (stop: () => void) => void,
  countEvent: () => void = () => undefined,
): Promise<void> {
  const from = allPosition(options.getAll()!);
  const accept = filterOf(options) ?? (() => true);
  const filtered = options.hasFilter();
  const filter = options.getFilter();
  const window = filter?.hasMax() ? filter.getMax() : SERVER_READ_BATCH;
  const interval = (filter?.getCheckpointintervalmultiplier() || 1) * window;
  let cancelled = false;
  const live: FakeRecord[] = [];
  let wakeLive: (() => void) | undefined;
  let unsubscribe: () => void = () => undefined;
  const stop = () => {
    cancelled = true;
    unsubscribe();
    wakeLive?.();
  };
  call.on('cancelled', stop);
  registerStop(stop);
  await write(call, confirmationResp());

  let checkpoint: Pos = from === 'start' ? { commit: -1, prepare: -1 } : from === 'end' ? { commit: Infinity, prepare: Infinity } : from;
  let index = from === 'end' ? log.records.length : log.records.findIndex((r) => cmp(posOf(r), checkpoint) > 0);
  if (index < 0) index = log.records.length;
  let counter = 0;
  let firstPage = true;
  // Catch-up in pages of `window` considered records.
  while (!cancelled) {
    const pageStart = index;
    const page = log.records.slice(index, index + window);
    index += page.length;
    for (const r of page) {
      if (!accept(r)) continue;
      countEvent();
      await write(call, eventResp(r));
      checkpoint = posOf(r);
    }
    const currentPos: Pos | undefined = firstPage ? undefined : { commit: log.records[pageStart]?.offset ?? Infinity, prepare: 0 };
    firstPage = false;
    if (currentPos && page.length > 0 && cmp(checkpoint, currentPos) < 0) checkpoint = currentPos;
    counter += page.length;
    if (index >= log.records.length) break;
    if (filtered && counter >= interval) {
      counter %= interval;
      if (checkpoint.commit >= 0) await write(call, checkpointResp(checkpoint));
    }
  }
  if (cancelled) return;
  // End of the log, in the same turn as subscribing to live appends: nothing falls in between.
  if (filtered && checkpoint.commit >= 0 && Number.isFinite(checkpoint.commit)) await write(call, checkpointResp(checkpoint));
  let liveIndex = log.records.length;
  unsubscribe = log.onAppend(() => {
    live.push(...log.records.slice(liveIndex));
    liveIndex = log.records.length;
    wakeLive?.();
  });
  if (index < log.records.length) {
    // Records appended while the last checkpoint was being written.
    live.push(...log.records.slice(index));
  }
  liveIndex = log.records.length;
  await write(call, caughtUpResp());
  counter = 0;
  while (!cancelled) {
    const r = live.shift();
    if (!r) {
      await new Promise<void>((resolve) => (wakeLive = resolve));
      wakeLive = undefined;
      continue;
    }
    if (accept(r)) {
      countEvent();
      await write(call, eventResp(r));
    } else if (filtered && ++counter >= interval) {
      counter = 0;
      await write(call, checkpointResp(posOf(r)));
    }
  }
}

function expectedOf(options: AppendReq.Options): Expected {
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  if (options.hasRevision()) return { kind: 'revision', revision: Number(options.getRevision()) };
  return { kind: 'any' };
}

function appendResponse(outcome: AppendOutcome): AppendResp {
  const resp = new AppendResp();
  if (outcome.ok) {
    const success = new AppendResp.Success();
    success.setCurrentRevision(String(outcome.revision));
    const p = new AppendResp.Position();
    p.setCommitPosition(String(outcome.position.commit));
    p.setPreparePosition(String(outcome.position.prepare));
    success.setPosition(p);
    resp.setSuccess(success);
    return resp;
  }
  const w = new AppendResp.WrongExpectedVersion();
  if (outcome.current === -1) w.setCurrentNoStream(new Empty());
  else w.setCurrentRevision(String(outcome.current));
  const e = outcome.expected;
  if (e.kind === 'revision') w.setExpectedRevision(String(e.revision));
  else if (e.kind === 'no_stream') w.setExpectedNoStream(new Empty());
  else if (e.kind === 'stream_exists') w.setExpectedStreamExists(new Empty());
  else w.setExpectedAny(new Empty());
  resp.setWrongExpectedVersion(w);
  return resp;
}

export interface FakeEventStoreDb {
  log: FakeEventLog;
  connectionString: string;
  /** Reads and subscriptions served so far (by kind), and events sent to subscribers. */
  calls: { read: number; append: number; subscribe: number; subscriptionEvents: number };
  /** Ends every open subscription with UNAVAILABLE, as a server restart or network cut would. */
  dropSubscriptions(): number;
  /** The next append is written, then answered with UNAVAILABLE (the acknowledgement is lost). */
  loseNextAppendAck(): void;
  stop(): Promise<void>;
}

/** Starts the fake on a free local port. */
export async function startFakeEventStoreDb(options: { systemProjections?: boolean } = {}): Promise<FakeEventStoreDb> {
  const log = new FakeEventLog(options);
  const calls = { read: 0, append: 0, subscribe: 0, subscriptionEvents: 0 };
  const subscriptions = new Map<ServerWritableStream<ReadReq, ReadResp>, () => void>();
  let loseAck = false;
  const server = new Server();
  server.addService(StreamsService, {
    read(call: ServerWritableStream<ReadReq, ReadResp>) {
      const opts = call.request.getOptions()!;
      if (opts.hasStream()) {
        calls.read++;
        readStream(log, call, opts);
      } else if (opts.hasSubscription()) {
        calls.subscribe++;
        call.on('cancelled', () => subscriptions.delete(call));
        subscribeToAll(log, call, opts, (stop) => subscriptions.set(call, stop), () => calls.subscriptionEvents++)
          .catch((error: unknown) => call.destroy(error as Error))
          .finally(() => subscriptions.delete(call));
      } else {
        calls.read++;
        readAll(log, call, opts);
      }
    },
    append(call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>) {
      calls.append++;
      let opts: AppendReq.Options | undefined;
      const events: Array<{ id: string; type: string; contentType: string; data: Uint8Array; metadata: Uint8Array }> = [];
      call.on('data', (req: AppendReq) => {
        if (req.hasOptions()) opts = req.getOptions();
        else {
          const m = req.getProposedMessage()!;
          events.push({
            id: m.getId()!.getString().toLowerCase(),
            type: m.getMetadataMap().get('type') ?? '',
            contentType: m.getMetadataMap().get('content-type') ?? 'application/octet-stream',
            data: m.getData_asU8(),
            metadata: m.getCustomMetadata_asU8(),
          });
        }
      });
      call.on('end', () => {
        if (!opts) return callback({ code: status.INVALID_ARGUMENT, details: 'no options' });
        const streamName = Buffer.from(opts.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8');
        const response = appendResponse(log.append(streamName, expectedOf(opts), events));
        if (loseAck) {
          loseAck = false;
          return callback({ code: status.UNAVAILABLE, details: 'acknowledgement lost (test)' });
        }
        callback(null, response);
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p))),
  );
  return {
    log,
    calls,
    connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    dropSubscriptions() {
      const open = [...subscriptions];
      subscriptions.clear();
      for (const [call, stop] of open) {
        stop();
        call.emit('error', { code: status.UNAVAILABLE, details: 'subscription dropped (test)' });
      }
      return open.length;
    },
    loseNextAppendAck() {
      loseAck = true;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.forceShutdown();
        resolve();
      }),
  };
}
