import { silentLogger } from '../../../ports/logger';
import { allProjectors } from '../../../projections';
import { rebuildProjector, type RebuildProgress } from '../../../projections/engine/rebuild';
import { ProjectionRunner } from '../../../projections/engine/runner';
import { applicationRegistry } from '../registry';
import { EXIT, InterruptedError, UsageError, type CliContext } from '../context';

const int = new Intl.NumberFormat('en-US');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface RebuildState {
  projectors: string[];
  done: string[];
}

/** The projectors asked for (all without a name), checked against the ones there are. */
export function selectProjectors(ctx: CliContext, known: readonly string[]): string[] {
  const name = ctx.args.positionals[0];
  if (name === undefined) return [...known];
  if (!known.includes(name)) throw new UsageError(`no projector ${name}; there are: ${known.join(', ')}`);
  return [name];
}

/** Which of `names` an earlier, interrupted run of the same command finished. */
function resumed(ctx: CliContext, file: string, names: string[]): { state: RebuildState; save(): void; clear(): void } {
  const saved = ctx.state<RebuildState>(file);
  const before = ctx.args.restart ? null : saved.read();
  const same = before !== null && before.projectors.join() === names.join();
  const state: RebuildState = same ? before : { projectors: names, done: [] };
  if (same && state.done.length > 0) ctx.io.err(`resuming: ${state.done.join(', ')} already rebuilt by the interrupted run (--restart to start over)`);
  return { state, save: () => saved.write(state), clear: () => saved.clear() };
}

/**
 * `rebuild [name]`: rebuilds one projector, or all of them, from position zero into new
 * collections while the live ones keep serving, then swaps them in (src/projections/engine/
 * rebuild.ts). With `--url` the server does it (POST /api/v1/ops/projections/{name}/rebuild) and
 * the command follows its progress; without, on the files, when no server runs. Interrupted, the
 * projector being rebuilt keeps its live collections (its new ones are dropped; on a server the
 * rebuild goes on), and the same command resumes with the projectors not yet rebuilt.
 */
export async function rebuild(ctx: CliContext): Promise<number> {
  return ctx.isRemote ? rebuildOnServer(ctx) : rebuildOnFiles(ctx);
}

function show(ctx: CliContext, p: RebuildProgress): void {
  const rate = p.eventsPerSecond !== null ? `, ${int.format(p.eventsPerSecond)} events/s` : '';
  ctx.io.out(`${p.projector}: ${p.state}, ${int.format(p.processed)} events${rate}${p.error ? ` (${p.error})` : ''}\n`);
}

async function rebuildOnServer(ctx: CliContext): Promise<number> {
  const remote = await ctx.remote();
  const known = (await remote.data<{ projectors: Array<{ name: string }> }>('GET', '/api/v1/ops/projections')).projectors.map((p) => p.name);
  const names = selectProjectors(ctx, known);
  const run = resumed(ctx, 'rebuild-server', names);
  let failed = false;
  for (const name of names.filter((n) => !run.state.done.includes(n))) {
    await remote.data('POST', `/api/v1/ops/projections/${encodeURIComponent(name)}/rebuild`);
    const bar = ctx.progress(`rebuild ${name}`, 'positions');
    let p: RebuildProgress;
    for (;;) {
      p = (await remote.data<{ rebuild: RebuildProgress }>('GET', `/api/v1/ops/projections/${encodeURIComponent(name)}/rebuild`)).rebuild;
      bar.update(p.position, p.target, `${int.format(p.processed)} events`);
      if (p.state !== 'running') break;
      if (ctx.signal.aborted) {
        run.save();
        bar.finish('detached');
        throw new InterruptedError(`stopped following the rebuild of ${name}, which goes on on the server; run the same command to follow it and the rest`);
      }
      await sleep(200);
    }
    bar.finish(p.state);
    show(ctx, p);
    if (p.state === 'failed') failed = true;
    run.state.done.push(name);
    run.save();
  }
  run.clear();
  return failed ? EXIT.failed : EXIT.ok;
}

async function rebuildOnFiles(ctx: CliContext): Promise<number> {
  const names = selectProjectors(
    ctx,
    allProjectors.map((p) => p.name),
  );
  const readStore = ctx.readModels();
  const eventStore = ctx.eventLog();
  const run = resumed(ctx, 'rebuild', names);
  const runner = new ProjectionRunner({ eventStore, readStore, registry: applicationRegistry(), projectors: allProjectors, logger: silentLogger });
  let failed = false;
  try {
    // First whatever the read models have not applied yet (the server would at its start).
    await runner.start();
    const head = await eventStore.headPosition();
    const catchUp = ctx.progress('catching up', 'positions');
    while (!runner.caughtUp) {
      catchUp.update(runner.position, head);
      await Promise.race([runner.whenCaughtUp(), sleep(200)]);
    }
    catchUp.finish();
    for (const name of names.filter((n) => !run.state.done.includes(n))) {
      ctx.throwIfInterrupted();
      const bar = ctx.progress(`rebuild ${name}`, 'positions');
      const p = await rebuildProjector({
        eventStore,
        readStore,
        runner,
        projector: runner.projector(name)!,
        pageSize: ctx.args.pageSize,
        // Nothing else is served here: whole pages per transaction, not slices of a tenth of a second.
        sliceMs: 60_000,
        signal: ctx.signal,
        onProgress: (q) => bar.update(q.position, q.target, `${int.format(q.processed)} events`),
      });
      if (p.state === 'failed' && ctx.signal.aborted) {
        run.save();
        bar.finish('interrupted');
        throw new InterruptedError(`rebuild of ${name} interrupted (its live collections are untouched); run the same command to resume`);
      }
      bar.finish(p.state);
      show(ctx, p);
      if (p.state === 'failed') failed = true;
      run.state.done.push(name);
      run.save();
    }
    run.clear();
  } finally {
    await runner.stop();
  }
  return failed ? EXIT.failed : EXIT.ok;
}
