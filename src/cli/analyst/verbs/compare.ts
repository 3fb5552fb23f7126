import { createMemoryReadStore } from '../../../adapters/read-store/memory/memory-read-store';
import type { Doc } from '../../../ports/read-store';
import { allProjectors } from '../../../projections';
import { compareProjector, type CompareProgress } from '../../../projections/engine/compare';
import { CHECKPOINTS } from '../../../projections/engine/runner';
import { applicationRegistry } from '../registry';
import { EXIT, InterruptedError, type CliContext } from '../context';
import { selectProjectors } from './rebuild';

const int = new Intl.NumberFormat('en-US');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `compare [name]`: does a rebuild equal the live read model? The projector is replayed from
 * position zero into scratch collections, up to the position its live documents reflect, and
 * every document is compared (src/projections/engine/compare.ts). Exit 1 when one differs.
 * With `--url` the server compares (POST /api/v1/ops/projections/{name}/compare); without, on the
 * files (replayed in memory), when no server runs. The live read models are never written.
 */
export async function compare(ctx: CliContext): Promise<number> {
  const results: CompareProgress[] = [];
  if (ctx.isRemote) {
    const remote = await ctx.remote();
    const known = (await remote.data<{ projectors: Array<{ name: string }> }>('GET', '/api/v1/ops/projections')).projectors.map((p) => p.name);
    for (const name of selectProjectors(ctx, known)) {
      await remote.data('POST', `/api/v1/ops/projections/${encodeURIComponent(name)}/compare`);
      const bar = ctx.progress(`compare ${name}`, 'positions');
      let p: CompareProgress;
      for (;;) {
        p = (await remote.data<{ comparison: CompareProgress }>('GET', `/api/v1/ops/projections/${encodeURIComponent(name)}/compare`)).comparison;
        bar.update(p.position, p.target, `${int.format(p.processed)} events`);
        if (p.state !== 'running') break;
        if (ctx.signal.aborted) throw new InterruptedError(`stopped following the comparison of ${name} (it finishes on the server)`);
        await sleep(200);
      }
      bar.finish(p.state);
      results.push(p);
      show(ctx, p);
    }
  } else {
    const readStore = ctx.readModels();
    const checkpoints = new Map((await readStore.collection<Doc & { position: number }>(CHECKPOINTS).find({})).map((d) => [d._id, d.position]));
    const registry = applicationRegistry();
    for (const name of selectProjectors(ctx, allProjectors.map((p) => p.name))) {
      ctx.throwIfInterrupted();
      const bar = ctx.progress(`compare ${name}`, 'positions');
      const p = await compareProjector({
        eventStore: ctx.eventLog(),
        registry,
        projector: allProjectors.find((q) => q.name === name)!,
        live: readStore,
        scratch: createMemoryReadStore(),
        livePosition: () => checkpoints.get(name) ?? 0,
        pageSize: ctx.args.pageSize,
        signal: ctx.signal,
        onProgress: (q) => bar.update(q.position, q.target, `${int.format(q.processed)} events`),
      });
      if (p.state === 'failed' && ctx.signal.aborted) throw new InterruptedError(`comparison of ${name} interrupted`);
      bar.finish(p.state);
      results.push(p);
      show(ctx, p);
    }
  }
  return results.every((r) => r.state === 'equal') ? EXIT.ok : EXIT.failed;
}

function show(ctx: CliContext, p: CompareProgress): void {
  const docs = p.collections.map((c) => `${c.name} ${int.format(c.live)} live / ${int.format(c.rebuilt)} rebuilt`).join(', ');
  ctx.io.out(`${p.projector}: ${p.state.toUpperCase()}${docs ? ` (${docs})` : ''}${p.error ? `: ${p.error}` : ''}\n`);
  for (const c of p.collections) {
    if (c.missing + c.extra + c.different > 0) ctx.io.out(`  ${c.name}: ${c.different} different, ${c.missing} only live, ${c.extra} only rebuilt\n`);
  }
  for (const d of p.differences.slice(0, 5)) ctx.io.out(`  ${d.collection} ${d.id}: ${d.kind}\n`);
}
