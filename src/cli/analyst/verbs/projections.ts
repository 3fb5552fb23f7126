import { allProjectors } from '../../../projections';
import { projectorLags, type ProjectorLag } from '../../../projections/engine/projector-lag';
import { CHECKPOINTS, versionOf } from '../../../projections/engine/runner';
import type { Doc } from '../../../ports/read-store';
import { EXIT, type CliContext } from '../context';

export interface ProjectorRow {
  name: string;
  version: number | null;
  codeVersion: number;
  checkpoint: number;
  lag: ProjectorLag | undefined;
  faulted: string | null;
  rebuild: string | null;
}

/** Every projector with its checkpoint and lag: from the server (`--url`), or from the files when no server runs. */
export async function projectorRows(ctx: CliContext): Promise<ProjectorRow[]> {
  if (ctx.isRemote) {
    const remote = await ctx.remote();
    const data = await remote.data<{
      projectors: Array<{ name: string; checkpoint: number; version?: number; codeVersion?: number; faulted: { error: string } | null }>;
      lags: ProjectorLag[];
      rebuilds: Array<{ projector: string; state: string; position: number; target: number }>;
    }>('GET', '/api/v1/ops/projections');
    return data.projectors.map((p) => {
      const rebuild = data.rebuilds.find((r) => r.projector === p.name);
      return {
        name: p.name,
        version: p.version ?? null,
        codeVersion: p.codeVersion ?? 1,
        checkpoint: p.checkpoint,
        lag: data.lags.find((l) => l.name === p.name),
        faulted: p.faulted?.error ?? null,
        rebuild: rebuild ? `${rebuild.state} ${rebuild.position}/${rebuild.target}` : null,
      };
    });
  }
  const stored = await ctx.readModels().collection<Doc & { position: number; version?: number }>(CHECKPOINTS).find({});
  const byName = new Map(stored.map((d) => [d._id, d]));
  const status = { position: 0, projectors: allProjectors.map((p) => ({ name: p.name, checkpoint: byName.get(p.name)?.position ?? 0, faulted: null })) };
  const lags = await projectorLags(ctx.eventLog(), status, Date.now());
  return allProjectors.map((p, i) => ({
    name: p.name,
    version: byName.has(p.name) ? (byName.get(p.name)!.version ?? 1) : null,
    codeVersion: versionOf(p),
    checkpoint: status.projectors[i]!.checkpoint,
    lag: lags[i],
    faulted: null,
    rebuild: null,
  }));
}

/** `projections`: each projector with its checkpoint and lag (and, from a server, faults and rebuilds). */
export async function projections(ctx: CliContext): Promise<number> {
  const rows = await projectorRows(ctx);
  const table = [
    ['projector', 'version', 'checkpoint', 'lag (events)', 'lag (s)', 'state'],
    ...rows.map((r) => [
      r.name,
      r.version === null ? `never run (code v${r.codeVersion})` : r.version === r.codeVersion ? `v${r.version}` : `v${r.version} (code v${r.codeVersion})`,
      String(r.checkpoint),
      r.lag ? `${r.lag.events}${r.lag.capped ? '+' : ''}` : '?',
      r.lag ? r.lag.seconds.toFixed(1) : '?',
      r.faulted ? `FAULTED: ${r.faulted}` : r.rebuild ? `rebuild ${r.rebuild}` : 'ok',
    ]),
  ];
  const widths = table[0]!.map((_c, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table) ctx.io.out(`${row.map((cell, i) => (i === 0 || i === row.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd()}\n`);
  ctx.io.err(ctx.isRemote ? `from ${ctx.args.url}` : `from ${ctx.dataDir} (no server running)`);
  return rows.some((r) => r.faulted) ? EXIT.failed : EXIT.ok;
}
