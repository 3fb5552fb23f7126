import { readWholeStream, requireAggregate, stateOfEvents, type AggregateStateAt, type StatePoint } from '../../../audit/state';
import { redactSecrets } from '../../../api/http/secrets';
import type { RecordedEvent } from '../../../ports/event-store';
import { applicationRegistry } from '../registry';
import { EXIT, UsageError, type CliContext } from '../context';

/**
 * `replay <stream> [--revision N | --at <ISO time>]`: the stream's events, one line each (revision,
 * time, type, who, request id), then the aggregate's state folded by its own `evolve` up to the
 * revision or time (the latest without either), as JSON with secrets redacted. With `--url`, from
 * the audit API.
 */
export async function replay(ctx: CliContext): Promise<number> {
  const stream = ctx.args.positionals[0];
  if (!stream) throw new UsageError('replay needs a stream name (e.g. ticket-<uuid>)');
  if (ctx.args.revision !== undefined && ctx.args.at !== undefined) throw new UsageError('give either --revision or --at');
  const point: StatePoint = ctx.args.revision !== undefined ? { revision: ctx.args.revision } : ctx.args.at !== undefined ? { at: ctx.args.at } : {};
  let events: RecordedEvent[];
  let state: AggregateStateAt;
  if (ctx.isRemote) {
    const remote = await ctx.remote();
    events = [];
    for (let page = 1; ; page++) {
      const data = await remote.data<{ events: RecordedEvent[]; pagination: { total_pages: number } }>('GET', `/api/v1/audit/streams/${encodeURIComponent(stream)}?page=${page}&limit=500`);
      events.push(...data.events);
      if (page >= data.pagination.total_pages) break;
    }
    const query = 'revision' in point ? `?revision=${point.revision}` : 'at' in point ? `?at=${encodeURIComponent(point.at)}` : '';
    const s = await remote.data<{ aggregate: string; revision: number; timestamp: string; current_revision: number; state: unknown }>('GET', `/api/v1/audit/streams/${encodeURIComponent(stream)}/state${query}`);
    state = { stream, aggregate: s.aggregate, revision: s.revision, timestamp: s.timestamp, currentRevision: s.current_revision, state: s.state };
  } else {
    const type = requireAggregate(stream);
    events = await readWholeStream(ctx.eventLog(), stream);
    state = stateOfEvents({ registry: applicationRegistry() }, type, stream, events, point);
  }
  for (const e of events) {
    if (e.revision > state.revision) break;
    const actor = e.metadata.actor ? `${e.metadata.actor.userId} (${e.metadata.actor.role})` : '-';
    ctx.io.out(`${String(e.revision).padStart(5)}  ${e.metadata.timestamp}  ${e.type.padEnd(28)} by ${actor}  request ${e.metadata.requestId ?? '-'}\n`);
  }
  ctx.io.out(`\n${state.aggregate} ${stream} at revision ${state.revision} of ${state.currentRevision} (${state.timestamp}):\n`);
  ctx.io.out(`${JSON.stringify(redactSecrets(state.state).value, null, 2)}\n`);
  return EXIT.ok;
}
