import { createServer } from 'node:net';
import { BACKWARDS, END, EventStoreDBClient, FORWARDS, START } from '@eventstore/db-client';
import { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import { buildFilteredReadAllRequest, readAllFiltered } from './eventstoredb-filtered-read';
import { isTransientError } from './eventstoredb-mapping';

describe('filtered $all read request', () => {
  it('reads $all forwards from a position with the event-type regex as a server-side filter', () => {
    const req = buildFilteredReadAllRequest({
      direction: FORWARDS,
      fromPosition: { commit: 1234n, prepare: 1234n },
      maxCount: 501,
      eventTypeRegex: '^(?:A|B)$',
    });
    const options = req.getOptions()!;
    expect(options.getStreamOptionCase()).toBe(ReadReq.Options.StreamOptionCase.ALL);
    expect(options.getAll()!.getAllOptionCase()).toBe(ReadReq.Options.AllOptions.AllOptionCase.POSITION);
    expect(options.getAll()!.getPosition()!.getCommitPosition()).toBe('1234');
    expect(options.getAll()!.getPosition()!.getPreparePosition()).toBe('1234');
    expect(options.getReadDirection()).toBe(ReadReq.Options.ReadDirection.FORWARDS);
    expect(options.getCountOptionCase()).toBe(ReadReq.Options.CountOptionCase.COUNT);
    expect(options.getCount()).toBe('501');
    expect(options.getResolveLinks()).toBe(false);
    expect(options.getUuidOption()!.hasString()).toBe(true);

    expect(options.getFilterOptionCase()).toBe(ReadReq.Options.FilterOptionCase.FILTER);
    const filter = options.getFilter()!;
    expect(filter.getFilterCase()).toBe(ReadReq.Options.FilterOptions.FilterCase.EVENT_TYPE);
    expect(filter.getEventType()!.getRegex()).toBe('^(?:A|B)$');
    expect(filter.getEventType()!.getPrefixList()).toEqual([]);
    expect(filter.getWindowCase()).toBe(ReadReq.Options.FilterOptions.WindowCase.COUNT);
    expect(filter.getCheckpointintervalmultiplier()).toBe(1);
  });

  it('reads backwards from the end, and forwards from the start', () => {
    const back = buildFilteredReadAllRequest({ direction: BACKWARDS, fromPosition: END, maxCount: 1, eventTypeRegex: '^[^$]' }).getOptions()!;
    expect(back.getReadDirection()).toBe(ReadReq.Options.ReadDirection.BACKWARDS);
    expect(back.getAll()!.getAllOptionCase()).toBe(ReadReq.Options.AllOptions.AllOptionCase.END);
    const fwd = buildFilteredReadAllRequest({ direction: FORWARDS, fromPosition: START, maxCount: 1, eventTypeRegex: '^[^$]' }).getOptions()!;
    expect(fwd.getAll()!.getAllOptionCase()).toBe(ReadReq.Options.AllOptions.AllOptionCase.START);
  });

  it('survives serialisation as the server receives it', () => {
    const req = buildFilteredReadAllRequest({ direction: FORWARDS, fromPosition: { commit: 9n, prepare: 0n }, maxCount: 2, eventTypeRegex: '^X$' });
    const decoded = ReadReq.deserializeBinary(req.serializeBinary()).getOptions()!;
    expect(decoded.getAll()!.getPosition()!.getPreparePosition()).toBe('0');
    expect(decoded.getFilter()!.getEventType()!.getRegex()).toBe('^X$');
  });

  it('refuses a count below one', () => {
    expect(() => buildFilteredReadAllRequest({ direction: FORWARDS, fromPosition: START, maxCount: 0, eventTypeRegex: '^X$' })).toThrow(RangeError);
  });
});

describe('filtered $all read through the client', () => {
  it("goes through the client's own connection and error handling (a closed port gives the client's UnavailableError)", async () => {
    // A port that was free a moment ago: nothing listens on it.
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as { port: number };
        server.close(() => resolve(p));
      });
    });
    const client = EventStoreDBClient.connectionString(`esdb://127.0.0.1:${port}?tls=false`);
    try {
      const read = readAllFiltered(client, { direction: FORWARDS, fromPosition: START, maxCount: 10, eventTypeRegex: '^[^$]' });
      let failure: unknown;
      try {
        for await (const _event of read) throw new Error('no event expected');
      } catch (error) {
        failure = error;
      }
      expect(isTransientError(failure)).toBe(true);
    } finally {
      await client.dispose();
    }
  });
});
