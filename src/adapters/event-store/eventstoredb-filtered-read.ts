import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  START,
  type AllStreamResolvedEvent,
  type Direction,
  type ReadPosition,
  type StreamingRead,
} from '@eventstore/db-client';
import { ReadStream } from '@eventstore/db-client/dist/streams/utils/ReadStream';
import { convertGrpcEvent } from '@eventstore/db-client/dist/utils/convertGrpcEvent';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import { Empty } from '@eventstore/db-client/generated/shared_pb';

/**
 * Server-side filtered reads of `$all`.
 *
 * `@eventstore/db-client` 6.2.1 (the last release under that name) exposes server-side filters
 * only on subscriptions: its `readAll()` always sends "no filter". The server has supported
 * filtered reads of `$all`, forwards and backwards, since 20.6 (the same `Streams.Read` call with
 * `FilterOptions`); the filter option for `readAll` was added to the client only after 6.2.1
 * (EventStore-Client-NodeJS PR #406, never released under this package name).
 *
 * This module sends that request through the client's own extension points — the protected
 * `GRPCStreamCreator` and `callArguments` its `readAll` is built on, the generated protobuf
 * classes it ships, and its `ReadStream` wrapper — so connection handling, reconnection,
 * credentials and error conversion are the client's. The request itself is built by a pure
 * function and unit-tested field by field.
 */

export interface FilteredReadRequest {
  direction: Direction;
  fromPosition: ReadPosition;
  maxCount: number;
  /** Event-type regex (server-side filter). */
  eventTypeRegex: string;
}

/** The gRPC request for a filtered read of `$all` (what the client's readAll sends, plus the filter). */
export function buildFilteredReadAllRequest(request: FilteredReadRequest): ReadReq {
  if (!Number.isSafeInteger(request.maxCount) || request.maxCount < 1) {
    throw new RangeError(`maxCount must be a positive integer, got ${String(request.maxCount)}`);
  }
  const all = new ReadReq.Options.AllOptions();
  const from = request.fromPosition;
  if (from === START) all.setStart(new Empty());
  else if (from === END) all.setEnd(new Empty());
  else {
    const position = new ReadReq.Options.Position();
    position.setCommitPosition(from.commit.toString(10));
    position.setPreparePosition(from.prepare.toString(10));
    all.setPosition(position);
  }

  const expression = new ReadReq.Options.FilterOptions.Expression();
  expression.setRegex(request.eventTypeRegex);
  const filter = new ReadReq.Options.FilterOptions();
  filter.setEventType(expression);
  // "count" window: the server scans as far as it must to find maxCount matching events.
  filter.setCount(new Empty());
  filter.setCheckpointintervalmultiplier(1);

  const uuid = new ReadReq.Options.UUIDOption();
  uuid.setString(new Empty());

  const options = new ReadReq.Options();
  options.setAll(all);
  options.setResolveLinks(false);
  options.setCount(String(request.maxCount));
  options.setUuidOption(uuid);
  options.setFilter(filter);
  options.setReadDirection(request.direction === BACKWARDS ? ReadReq.Options.ReadDirection.BACKWARDS : ReadReq.Options.ReadDirection.FORWARDS);

  const req = new ReadReq();
  req.setOptions(options);
  return req;
}

/**
 * Never constructed: a subclass only so that the client's protected members can be used, with
 * their declared types, on a client created by `EventStoreDBClient.connectionString()`.
 */
abstract class ClientExtension extends EventStoreDBClient {
  static readAllFiltered(client: EventStoreDBClient, request: ReadReq): StreamingRead<AllStreamResolvedEvent> {
    const self = client as ClientExtension;
    if (typeof self.GRPCStreamCreator !== 'function' || typeof self.callArguments !== 'function') {
      throw new Error('This @eventstore/db-client version does not expose GRPCStreamCreator/callArguments; filtered reads need 6.x');
    }
    const createStream = self.GRPCStreamCreator(StreamsClient, 'readAllFiltered', (grpc) =>
      grpc.read(request, ...self.callArguments({}, { deadline: Infinity })),
    );
    return new ReadStream<AllStreamResolvedEvent>(createStream, convertGrpcEvent, {});
  }
}

/** Reads `$all` with a server-side event-type filter; the returned stream is the client's own ReadStream. */
export function readAllFiltered(client: EventStoreDBClient, request: FilteredReadRequest): StreamingRead<AllStreamResolvedEvent> {
  return ClientExtension.readAllFiltered(client, buildFilteredReadAllRequest(request));
}
