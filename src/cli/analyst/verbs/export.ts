import { createWriteStream, existsSync, readFileSync, truncateSync } from 'node:fs';
import { customerStreamsFromLog } from '../../../audit/customer-streams';
import { eventsOfStreams, exportLine } from '../../../audit/export';
import { redactSecrets } from '../../../api/http/secrets';
import type { RecordedEvent } from '../../../ports/event-store';
import { EXIT, InterruptedError, UsageError, type CliContext } from '../context';

const int = new Intl.NumberFormat('en-US');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `export <stream | customer:<uuid>> [--out file]`: JSON Lines with the hashes, one stored event
 * per line (secrets redacted, listed in `redacted`), to check outside the product
 * (scripts/verify-export.mjs, docs/audit.md). A customer is every stream that names it, whole,
 * in log order. With `--out`, an interrupted export resumes: the lines already in the file are
 * kept and the export goes on after them.
 */
export async function exportEvents(ctx: CliContext): Promise<number> {
  const target = ctx.args.positionals[0];
  if (!target) throw new UsageError('export needs a stream name or customer:<uuid>');
  const customer = target.startsWith('customer:') ? target.slice('customer:'.length) : null;
  if (customer !== null && !UUID.test(customer)) throw new UsageError(`customer:${customer}: not a customer id (a UUID)`);

  const kept = ctx.args.out && existsSync(ctx.args.out) ? completeLines(ctx.args.out) : 0;
  if (kept > 0) ctx.io.err(`${ctx.args.out} already holds ${int.format(kept)} events: resuming after them`);
  const sink = ctx.args.out ? createWriteStream(ctx.args.out, { flags: 'a' }) : null;
  const write = (text: string) => (sink ? sink.write(text) : ctx.io.out(text));
  let written = 0;
  try {
    if (ctx.isRemote) {
      const remote = await ctx.remote();
      const path = customer ? `/api/v1/audit/customers/${customer}/export` : `/api/v1/audit/streams/${encodeURIComponent(target)}/export`;
      let buffer = '';
      let seen = 0;
      for await (const chunk of remote.text(path)) {
        ctx.throwIfInterrupted();
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl + 1);
          buffer = buffer.slice(nl + 1);
          if (seen++ >= kept) {
            write(line);
            written++;
          }
        }
      }
    } else {
      const log = ctx.eventLog();
      let streams = [target];
      if (customer) {
        const head = await log.headPosition();
        const scan = ctx.progress(`finding the streams of customer ${customer}`, 'positions');
        streams = await customerStreamsFromLog(log, customer, { signal: ctx.signal, onProgress: (p) => scan.update(p, head) });
        scan.finish(`${streams.length} streams`);
      }
      const events = await eventsOfStreams(log, streams);
      if (events.length === 0) {
        ctx.io.err(customer ? `no events name customer ${customer}` : `no stream ${target}`);
        return EXIT.failed;
      }
      const bar = ctx.progress('export');
      for (const [i, e] of events.entries()) {
        if (i < kept) continue;
        ctx.throwIfInterrupted();
        write(exportLine(present(e)));
        written++;
        bar.update(i + 1, events.length);
      }
      bar.finish();
    }
  } catch (err) {
    if (err instanceof InterruptedError) throw new InterruptedError(`export interrupted after ${int.format(kept + written)} events; run the same command to resume`);
    throw err;
  } finally {
    if (sink) await new Promise<void>((resolve) => sink.end(resolve));
  }
  ctx.io.err(`exported ${int.format(written)} events${kept ? ` (after the ${int.format(kept)} already there)` : ''}${ctx.args.out ? ` to ${ctx.args.out}` : ''}`);
  return EXIT.ok;
}

function present(e: RecordedEvent): RecordedEvent & { redacted: string[] } {
  const { value, redacted } = redactSecrets(e.data);
  return { ...e, data: value, redacted: redacted.map((p) => `data.${p}`) };
}

/** Lines of the file that end in a newline; a partial last line (an interrupted write) is cut off. */
function completeLines(file: string): number {
  const text = readFileSync(file, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) truncateSync(file, Buffer.byteLength(text.slice(0, end)));
  return text.slice(0, end).split('\n').filter((l) => l.length > 0).length;
}
