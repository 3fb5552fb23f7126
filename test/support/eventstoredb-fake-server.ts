import { randomUUID } from 'node:crypto';
import {
  Metadata,
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
} from '@grpc/grpc-js';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as ProtoEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { AppendReq, AppendResp, BatchAppendReq, BatchAppendResp, ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import {
  AllStreamPosition,
  Empty,
  MaximumAppendSizeExceeded,
  StreamIdentifier,
  Timeout as TimeoutDetails,
  UUID,
  WrongExpectedVersion as WrongExpectedVersionDetails,
} from '@eventstore/db-client/generated/shared_pb';
import { Status as RpcStatus } from '@eventstore/db-client/generated/status_pb';

/**
 * A small in-memory stand-in for EventStoreDB's gRPC API, so that the EventStore port contract
 * runs through the real `@eventstore/db-client` (6.2.1) over real HTTP/2 on machines without
 * Docker. It is a TEST DOUBLE: it models what the adapter relies on, the way the server source
 * of EventStoreDB 24.10 (tag v24.10.4: ServerFeatures.cs, Streams.Append.cs,
 * Streams.BatchAppend.cs, Status.cs, Enumerator.AllSubscriptionFiltered.cs, Position.cs) does
 * it, and proves the adapter's use of the client — not the server's behaviour, which the
 * Docker-gated suites prove (eventstoredb.int.test.ts).
 *
 * What it models:
 * - a transaction log of records at byte offsets; every event is committed on its own, so its
 *   position is {offset, offset}; offsets grow by each record's size. A fresh log holds one
 *   system record, `$epoch-information`, as a fresh node does (option `epoch: false`: no record
 *   at all);
 * - "system projections" (default on, `systemProjections: false` is a node with projections off,
 *   EventStoreDB's default): after each user event a `$>` link event is written to
 *   `$ce-<category>`, so `$all` really mixes system and user events;
 * - ServerFeatures.GetSupportedMethods, listing the methods it implements with the features the
 *   server lists (lower-case names, "position"/"events" on reads, "deadline_duration" on
 *   BatchAppend) and server version 24.10.4. Client 6.2.1 asks once per connection and appends
 *   through Streams.BatchAppend whenever it is listed, as it is by 24.10; `batchAppend: false`
 *   leaves it out (a server before 21.10), and the client then uses the unary Streams.Append;
 * - appends, on both paths, with expected revision any / no_stream / stream_exists / exact,
 *   idempotent when the same ids are appended again at the same expected revision,
 *   WrongExpectedVersion otherwise (unary: in the AppendResp; BatchAppend: a google.rpc.Status
 *   ALREADY_EXISTS whose details pack event_store.client.WrongExpectedVersion);
 * - the append size limit (`maxAppendSize`, 1,048,576 bytes by default, as the server's
 *   MaxAppendSize): the sum over the events of data + metadata + 2 × the type's length
 *   (Event.SizeOnDisk) above it refuses the whole append, nothing written (unary: INVALID_ARGUMENT
 *   with the `exception: maximum-append-size-exceeded` trailers; BatchAppend: a Status packing
 *   MaximumAppendSizeExceeded);
 * - BatchAppend deadlines: the request's deadline is an absolute time from the client's clock;
 *   the server waits min(deadline − its own now, `writeTimeoutMs`, 2,000 ms as the server's
 *   default) for the request to be complete, and answers a deadline already passed, or an append
 *   not complete in time, with a Status DEADLINE_EXCEEDED packing event_store.client.Timeout
 *   (the client's DeadlineExceededError). `clockSkewMs` puts the server's clock ahead of the
 *   client's; `timeOutNextAppend()` answers the next append with that Timeout, after writing it
 *   or not, as a commit that did not reach the quorum in time would be answered;
 * - stream reads forwards/backwards with StreamNotFound;
 * - `$all` reads forwards (inclusive: records at or after the position) and backwards (records
 *   before the position), with or without an event-type filter (regex or prefixes);
 * - catch-up subscriptions to `$all`, exclusive of the start position, with the event-type
 *   filter, as Enumerator.AllSubscriptionFiltered does it: caught up at once when the start is at
 *   or past the end of the log, otherwise read in pages of the search window, a checkpoint every
 *   multiplier × window considered events ({page start, 0}, or the last event sent), and one at
 *   the end of the catch-up, then CaughtUp; live, the skipped event's position every interval.
 *   A subscription from the start holds the checkpoint (-1, -1) until it has sent an event or
 *   passed a whole interval, and when the log ends before either, that is the checkpoint it
 *   sends, as the server's Position.FromInt64 does: {2^64 − 1, 2^64 − 1} on the wire.
 *
 * What it does not model: security (users, ACLs, TLS), deleted and tombstoned streams, stream
 * metadata ($maxAge, $maxCount), persistent subscriptions, subscriptions to single streams,
 * link resolution, legacy multi-event transactions, leader election and NotLeader redirects,
 * the server's own system streams beyond the epoch record and `$>` links, the per-event size
 * limit (MaxAppendEventSize, unlimited by default), fell-behind in live subscriptions, and
 * scavenging. Appends are written at once (no quorum), so a commit timeout happens only when a
 * test asks for one.
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

  constructor(private readonly options: { systemProjections?: boolean; epoch?: boolean } = {}) {
    if (options.epoch !== false) this.write('$epoch-information', '$epoch-information', Buffer.from('{"epochNumber":0}'));
  }

  /** Where the next record will be written: the log's end, the server's last indexed position. */
  get endOffset(): number {
    return this.end;
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

/** 2^64 − 1: how the server sends a position of -1 (Position.FromInt64 maps -1 to ulong.MaxValue). */
export const NO_POSITION_ON_THE_WIRE = (2n ** 64n - 1n).toString();

const wirePosition = (n: number): string => (n === -1 ? NO_POSITION_ON_THE_WIRE : String(n));

export function checkpointResp(p: Pos): ReadResp {
  const c = new ReadResp.Checkpoint();
  c.setCommitPosition(wirePosition(p.commit));
  c.setPreparePosition(wirePosition(p.prepare));
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
  counters: { event: () => void; checkpoint: (p: Pos) => void },
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
  const sendEvent = async (r: FakeRecord) => {
    counters.event();
    await write(call, eventResp(r));
  };
  const sendCheckpoint = async (p: Pos) => {
    counters.checkpoint(p);
    await write(call, checkpointResp(p));
  };
  await write(call, confirmationResp());

  // The server's "last indexed position" when it confirms: the end of the log.
  const lastIndexed: Pos = { commit: log.endOffset, prepare: log.endOffset };
  // No start position is (-1, -1) (ConvertCheckpoint), END is the last indexed position.
  let checkpoint: Pos = from === 'start' ? { commit: -1, prepare: -1 } : from === 'end' ? lastIndexed : from;
  let index = log.records.findIndex((r) => cmp(posOf(r), checkpoint) > 0);
  if (index < 0) index = log.records.length;
  if (cmp(checkpoint, lastIndexed) < 0) {
    // Catch-up in pages of `window` considered records.
    let counter = 0;
    let firstPage = true;
    while (!cancelled) {
      const pageStart = index;
      const page = log.records.slice(index, index + window);
      index += page.length;
      for (const r of page) {
        if (!accept(r)) continue;
        await sendEvent(r);
        checkpoint = posOf(r);
      }
      // Where the page's read started (the server's CurrentPos): {0, 0} for the first page from
      // the start (ReadPage reads from there instead of (-1, -1)), the start position itself for
      // the first page from elsewhere.
      const currentPos: Pos | undefined = firstPage
        ? from === 'start'
          ? { commit: 0, prepare: 0 }
          : undefined
        : { commit: log.records[pageStart]?.offset ?? log.endOffset, prepare: 0 };
      firstPage = false;
      counter += page.length;
      if (index >= log.records.length) {
        // The end of the log: a checkpoint when going live, whatever it is; (-1, -1) when this
        // subscription from the start has neither sent an event nor passed an interval.
        if (filtered) await sendCheckpoint(checkpoint);
        break;
      }
      if (filtered && counter >= interval) {
        counter %= interval;
        if (currentPos && cmp(checkpoint, currentPos) < 0) checkpoint = currentPos;
        await sendCheckpoint(checkpoint);
      }
    }
  }
  if (cancelled) return;
  // Going live, in the same turn as subscribing to live appends: nothing falls in between.
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
  let counter = 0;
  while (!cancelled) {
    const r = live.shift();
    if (!r) {
      await new Promise<void>((resolve) => (wakeLive = resolve));
      wakeLive = undefined;
      continue;
    }
    if (cmp(posOf(r), checkpoint) <= 0) continue;
    if (accept(r)) {
      await sendEvent(r);
      checkpoint = posOf(r);
    } else if (filtered && ++counter >= interval) {
      counter = 0;
      checkpoint = posOf(r);
      await sendCheckpoint(checkpoint);
    }
  }
}

function expectedOf(options: AppendReq.Options): Expected {
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  if (options.hasRevision()) return { kind: 'revision', revision: Number(options.getRevision()) };
  return { kind: 'any' };
}

function batchExpectedOf(options: BatchAppendReq.Options): Expected {
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  if (options.hasStreamPosition()) return { kind: 'revision', revision: Number(options.getStreamPosition()) };
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

/** A proposed event as the server reads it, with the size it counts against MaxAppendSize. */
interface Proposed {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
}

/** Event.SizeOnDisk: data + metadata bytes + the type's length in UTF-16 code units × 2. */
export function sizeOnDisk(e: Pick<Proposed, 'type' | 'data' | 'metadata'>): number {
  return e.data.length + e.metadata.length + e.type.length * 2;
}

function proposedOf(m: AppendReq.ProposedMessage | BatchAppendReq.ProposedMessage): Proposed {
  return {
    id: m.getId()!.getString().toLowerCase(),
    type: m.getMetadataMap().get('type') ?? '',
    contentType: m.getMetadataMap().get('content-type') ?? 'application/octet-stream',
    data: m.getData_asU8(),
    metadata: m.getCustomMetadata_asU8(),
  };
}

/** google.rpc.Status with one packed detail, as Status.cs builds them. */
function rpcStatus(code: status, message: string, detail: { serializeBinary(): Uint8Array }, typeName: string): RpcStatus {
  const any = new Any();
  any.pack(detail.serializeBinary(), typeName);
  const s = new RpcStatus();
  s.setCode(code as number);
  s.setMessage(message);
  s.setDetails(any);
  return s;
}

/** Status.WrongExpectedVersion (WrongExpectedVersion.Create: the current revision, or no stream; the expectation). */
function wrongExpectedVersionStatus(current: number, expected: Expected): RpcStatus {
  const w = new WrongExpectedVersionDetails();
  if (current === -1) w.setCurrentNoStream(new ProtoEmpty());
  else w.setCurrentStreamRevision(String(current));
  if (expected.kind === 'revision') w.setExpectedStreamPosition(String(expected.revision));
  else if (expected.kind === 'no_stream') w.setExpectedNoStream(new ProtoEmpty());
  else if (expected.kind === 'stream_exists') w.setExpectedStreamExists(new ProtoEmpty());
  else w.setExpectedAny(new ProtoEmpty());
  return rpcStatus(status.ALREADY_EXISTS, 'WrongExpectedVersion', w, 'event_store.client.WrongExpectedVersion');
}

const timeoutStatus = (): RpcStatus => rpcStatus(status.DEADLINE_EXCEEDED, 'Timeout', new TimeoutDetails(), 'event_store.client.Timeout');

function maxAppendSizeStatus(maxAppendSize: number): RpcStatus {
  const m = new MaximumAppendSizeExceeded();
  m.setMaxappendsize(maxAppendSize);
  return rpcStatus(status.INVALID_ARGUMENT, 'MaximumAppendSizeExceeded', m, 'event_store.client.MaximumAppendSizeExceeded');
}

/** The unary Append's refusal (RpcExceptions.MaxAppendSizeExceeded): INVALID_ARGUMENT with the exception trailers. */
function maxAppendSizeError(maxAppendSize: number): { code: status; details: string; metadata: Metadata } {
  const metadata = new Metadata();
  metadata.set('exception', 'maximum-append-size-exceeded');
  metadata.set('maximum-append-size', String(maxAppendSize));
  return { code: status.INVALID_ARGUMENT, details: `Maximum Append Size of ${maxAppendSize} Exceeded.`, metadata };
}

function streamIdentifier(streamName: string): StreamIdentifier {
  const sid = new StreamIdentifier();
  sid.setStreamName(Buffer.from(streamName));
  return sid;
}

function uuidString(u: UUID | undefined): string {
  if (!u) return '';
  if (u.hasStructured()) {
    const st = u.getStructured()!;
    const hex = (v: string) => BigInt.asUintN(64, BigInt(v)).toString(16).padStart(16, '0');
    const h = hex(st.getMostSignificantBits()) + hex(st.getLeastSignificantBits());
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  return u.getString().toLowerCase();
}

/** The structured form the server uses when it builds a correlation id itself (Uuid.ToDto()). */
function structuredUuid(id: string): UUID {
  const hex = id.replace(/-/g, '');
  const st = new UUID.Structured();
  st.setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString());
  st.setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString());
  const u = new UUID();
  u.setStructured(st);
  return u;
}

function batchSuccess(outcome: Extract<AppendOutcome, { ok: true }>): BatchAppendResp.Success {
  const success = new BatchAppendResp.Success();
  if (outcome.revision === -1) success.setNoStream(new ProtoEmpty());
  else success.setCurrentRevision(String(outcome.revision));
  const p = new AllStreamPosition();
  p.setCommitPosition(String(outcome.position.commit));
  p.setPreparePosition(String(outcome.position.prepare));
  success.setPosition(p);
  return success;
}

export interface FakeEventStoreDbOptions {
  /** `$>` links after every user event, as the standard projections write them (default true). */
  systemProjections?: boolean;
  /** The `$epoch-information` record a node writes first (default true; false: a log without any record). */
  epoch?: boolean;
  /** List Streams.BatchAppend in ServerFeatures, as 24.10 does (default true). */
  batchAppend?: boolean;
  /** The server's MaxAppendSize in bytes (default 1,048,576). */
  maxAppendSize?: number;
  /** The server's write timeout, the longest a BatchAppend waits for its request (default 2,000 ms). */
  writeTimeoutMs?: number;
  /** How far the server's clock is ahead of the client's (BatchAppend deadlines are absolute). */
  clockSkewMs?: number;
}

export interface FakeEventStoreDb {
  log: FakeEventLog;
  connectionString: string;
  /**
   * Calls served so far: reads, appends (either path), of which through BatchAppend and through
   * the unary Append, subscriptions, events sent to subscribers, ServerFeatures asked, and every
   * checkpoint sent to a subscriber (as the server held it, -1 included).
   */
  calls: {
    read: number;
    append: number;
    batchAppend: number;
    unaryAppend: number;
    subscribe: number;
    subscriptionEvents: number;
    serverFeatures: number;
    checkpoints: Pos[];
  };
  /** Appends refused as too large. */
  refusedAppends: Array<{ streamName: string; events: number; bytes: number }>;
  /** Ends every open subscription with UNAVAILABLE, as a server restart or network cut would. */
  dropSubscriptions(): number;
  /** The next append is written, then its call fails with UNAVAILABLE (the acknowledgement is lost). */
  loseNextAppendAck(): void;
  /** The next append is answered with the server's Timeout, after writing it (`written`) or not. */
  timeOutNextAppend(options: { written: boolean }): void;
  /** Changes the server's MaxAppendSize from now on. */
  setMaxAppendSize(bytes: number): void;
  stop(): Promise<void>;
}

/** Starts the fake on a free local port. */
export async function startFakeEventStoreDb(options: FakeEventStoreDbOptions = {}): Promise<FakeEventStoreDb> {
  const log = new FakeEventLog(options);
  const calls: FakeEventStoreDb['calls'] = {
    read: 0,
    append: 0,
    batchAppend: 0,
    unaryAppend: 0,
    subscribe: 0,
    subscriptionEvents: 0,
    serverFeatures: 0,
    checkpoints: [],
  };
  const refusedAppends: FakeEventStoreDb['refusedAppends'] = [];
  const subscriptions = new Map<ServerWritableStream<ReadReq, ReadResp>, () => void>();
  const batchCalls = new Set<ServerDuplexStream<BatchAppendReq, BatchAppendResp>>();
  let maxAppendSize = options.maxAppendSize ?? 1_048_576;
  const writeTimeoutMs = options.writeTimeoutMs ?? 2_000;
  const now = () => Date.now() + (options.clockSkewMs ?? 0);
  let loseAck = false;
  let timeOut: { written: boolean } | null = null;

  /** The size check both paths make; the refused append is recorded. */
  const tooLarge = (streamName: string, events: readonly Proposed[]): boolean => {
    const bytes = events.reduce((sum, e) => sum + sizeOnDisk(e), 0);
    if (bytes <= maxAppendSize) return false;
    refusedAppends.push({ streamName, events: events.length, bytes });
    return true;
  };

  const server = new Server();
  server.addService(ServerFeaturesService, {
    getSupportedMethods(_call: ServerUnaryCall<Empty, SupportedMethods>, callback: sendUnaryData<SupportedMethods>) {
      calls.serverFeatures++;
      const method = (service: string, name: string, features: string[] = []) => {
        const m = new SupportedMethod();
        m.setServiceName(service.toLowerCase());
        m.setMethodName(name.toLowerCase());
        m.setFeaturesList(features);
        return m;
      };
      const methods = [
        method('event_store.client.streams.Streams', 'Read', ['position', 'events']),
        method('event_store.client.streams.Streams', 'Append'),
        method('event_store.client.server_features.ServerFeatures', 'GetSupportedMethods'),
      ];
      if (options.batchAppend !== false) methods.push(method('event_store.client.streams.Streams', 'BatchAppend', ['deadline_duration']));
      const resp = new SupportedMethods();
      resp.setMethodsList(methods);
      resp.setEventStoreServerVersion('24.10.4');
      callback(null, resp);
    },
  });
  server.addService(StreamsService, {
    read(call: ServerWritableStream<ReadReq, ReadResp>) {
      const opts = call.request.getOptions()!;
      if (opts.hasStream()) {
        calls.read++;
        readStream(log, call, opts);
      } else if (opts.hasSubscription()) {
        calls.subscribe++;
        call.on('cancelled', () => subscriptions.delete(call));
        subscribeToAll(log, call, opts, (stop) => subscriptions.set(call, stop), {
          event: () => calls.subscriptionEvents++,
          checkpoint: (p) => calls.checkpoints.push(p),
        })
          .catch((error: unknown) => call.destroy(error as Error))
          .finally(() => subscriptions.delete(call));
      } else {
        calls.read++;
        readAll(log, call, opts);
      }
    },
    append(call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>) {
      calls.append++;
      calls.unaryAppend++;
      let opts: AppendReq.Options | undefined;
      const events: Proposed[] = [];
      call.on('data', (req: AppendReq) => {
        if (req.hasOptions()) opts = req.getOptions();
        else events.push(proposedOf(req.getProposedMessage()!));
      });
      call.on('end', () => {
        if (!opts) return callback({ code: status.INVALID_ARGUMENT, details: 'no options' });
        const streamName = Buffer.from(opts.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8');
        if (tooLarge(streamName, events)) return callback(maxAppendSizeError(maxAppendSize));
        const pendingTimeout = timeOut;
        timeOut = null;
        if (pendingTimeout && !pendingTimeout.written) return callback({ code: status.ABORTED, details: 'Operation timed out: commit timeout (test)' });
        const response = appendResponse(log.append(streamName, expectedOf(opts), events));
        // RpcExceptions.Timeout: ABORTED, whether or not the write went through.
        if (pendingTimeout) return callback({ code: status.ABORTED, details: 'Operation timed out: commit timeout (test)' });
        if (loseAck) {
          loseAck = false;
          return callback({ code: status.UNAVAILABLE, details: 'acknowledgement lost (test)' });
        }
        callback(null, response);
      });
    },
    batchAppend(call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>) {
      batchCalls.add(call);
      interface Pending {
        streamName: string;
        expected: Expected;
        events: Proposed[];
        timer: NodeJS.Timeout;
      }
      const pending = new Map<string, Pending>();
      const send = (resp: BatchAppendResp) => {
        if (!call.cancelled && !call.destroyed && call.writable) call.write(resp);
      };
      const answer = (correlation: UUID, streamName: string, result: { error: RpcStatus } | { success: BatchAppendResp.Success }) => {
        const resp = new BatchAppendResp();
        resp.setCorrelationId(correlation);
        resp.setStreamIdentifier(streamIdentifier(streamName));
        if ('error' in result) resp.setError(result.error);
        else resp.setSuccess(result.success);
        send(resp);
      };
      const close = () => {
        for (const p of pending.values()) clearTimeout(p.timer);
        pending.clear();
        batchCalls.delete(call);
      };
      call.on('cancelled', close);
      call.on('error', close);
      call.on('end', () => {
        close();
        call.end();
      });
      call.on('data', (req: BatchAppendReq) => {
        const correlation = req.getCorrelationId()!;
        const key = uuidString(correlation);
        if (req.hasOptions()) {
          const o = req.getOptions()!;
          const streamName = Buffer.from(o.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8');
          const deadline = o.getDeadline();
          const requested = deadline ? deadline.toDate().getTime() - now() : Number.POSITIVE_INFINITY;
          const timeoutMs = Math.min(requested, writeTimeoutMs);
          if (timeoutMs <= 0) {
            answer(correlation, streamName, { error: timeoutStatus() });
            return;
          }
          if (!pending.has(key)) {
            const timer = setTimeout(() => {
              // Not complete in time: the server answers with its own (structured) correlation id.
              if (pending.delete(key)) answer(structuredUuid(key), streamName, { error: timeoutStatus() });
            }, timeoutMs);
            timer.unref();
            pending.set(key, { streamName, expected: batchExpectedOf(o), events: [], timer });
          }
        }
        const p = pending.get(key);
        if (!p) return;
        p.events.push(...req.getProposedMessagesList().map(proposedOf));
        if (tooLarge(p.streamName, p.events)) {
          pending.delete(key);
          clearTimeout(p.timer);
          answer(correlation, p.streamName, { error: maxAppendSizeStatus(maxAppendSize) });
          return;
        }
        if (!req.getIsFinal()) return;
        pending.delete(key);
        clearTimeout(p.timer);
        calls.append++;
        calls.batchAppend++;
        const pendingTimeout = timeOut;
        timeOut = null;
        if (pendingTimeout && !pendingTimeout.written) {
          answer(correlation, p.streamName, { error: timeoutStatus() });
          return;
        }
        const outcome = log.append(p.streamName, p.expected, p.events);
        if (pendingTimeout) {
          answer(correlation, p.streamName, { error: timeoutStatus() });
          return;
        }
        if (loseAck) {
          // The whole call breaks, as a connection cut would: every append in flight on it fails.
          loseAck = false;
          call.emit('error', { code: status.UNAVAILABLE, details: 'acknowledgement lost (test)' });
          call.destroy({ code: status.UNAVAILABLE, details: 'acknowledgement lost (test)', name: 'Error', message: 'acknowledgement lost (test)' } as Error);
          close();
          return;
        }
        answer(correlation, p.streamName, outcome.ok ? { success: batchSuccess(outcome) } : { error: wrongExpectedVersionStatus(outcome.current, outcome.expected) });
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p))),
  );
  return {
    log,
    calls,
    refusedAppends,
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
    timeOutNextAppend(o) {
      timeOut = { written: o.written };
    },
    setMaxAppendSize(bytes) {
      maxAppendSize = bytes;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const call of batchCalls) call.end();
        server.forceShutdown();
        resolve();
      }),
  };
}
