import { LogVerifier, verifyLog, verifyStream, VerificationInterruptedError, type VerificationResult, type VerifierSnapshot } from '../../../audit/verify';
import { EXIT, InterruptedError, type CliContext } from '../context';

const int = new Intl.NumberFormat('en-US');

/**
 * `verify [stream]`: the hash chain of one stream or of the whole store (exit 1 when a link is
 * broken, printing the first one). The whole store is read once in log order; interrupted, it
 * keeps its place (DATA_DIR/.cli/verify.json) and the same command resumes from there
 * (`--restart` starts over). With `--url`, the server checks (POST /api/v1/audit/verify).
 */
export async function verify(ctx: CliContext): Promise<number> {
  const stream = ctx.args.positionals[0];
  let result: VerificationResult | null;
  if (ctx.isRemote) {
    const remote = await ctx.remote();
    ctx.io.err(`verifying ${stream ?? 'every stream'} on ${remote.url}…`);
    result = await remote.data<VerificationResult>('POST', '/api/v1/audit/verify', stream ? { stream } : {});
  } else if (stream) {
    result = await verifyStream(ctx.eventLog(), stream, { pageSize: ctx.args.pageSize, signal: ctx.signal });
    if (!result) {
      ctx.io.err(`no stream ${stream}`);
      return EXIT.failed;
    }
  } else {
    result = await verifyWholeLog(ctx);
  }
  report(ctx, stream, result);
  return result.ok ? EXIT.ok : EXIT.failed;
}

async function verifyWholeLog(ctx: CliContext): Promise<VerificationResult> {
  const saved = ctx.state<VerifierSnapshot>('verify');
  const snapshot = ctx.args.restart ? null : saved.read();
  if (snapshot) ctx.io.err(`resuming the verification at log position ${int.format(snapshot.position)} (${int.format(snapshot.checked)} events checked before; --restart to start over)`);
  const bar = ctx.progress('verify', 'positions');
  try {
    const result = await verifyLog(ctx.eventLog(), {
      pageSize: ctx.args.pageSize,
      signal: ctx.signal,
      from: snapshot ? LogVerifier.restore(snapshot) : undefined,
      onProgress: (p) => bar.update(p.position, p.head, `${int.format(p.checked)} checked`),
    });
    bar.finish();
    saved.clear();
    return result;
  } catch (err) {
    if (err instanceof VerificationInterruptedError) {
      saved.write(err.verifier.snapshot());
      bar.finish('interrupted');
      throw new InterruptedError(`verification interrupted at log position ${int.format(err.verifier.position)}; run the same command to resume`);
    }
    throw err;
  }
}

function report(ctx: CliContext, stream: string | undefined, r: VerificationResult): void {
  ctx.io.out(`${stream ?? 'every stream'}: ${int.format(r.checked)} events in ${int.format(r.streams)} stream(s) checked\n`);
  if (r.ok) ctx.io.out('OK: every hash chain holds\n');
  else {
    const b = r.first_broken!;
    ctx.io.out(`BROKEN: first broken link at ${b.stream} revision ${b.revision} (log position ${b.position}): ${b.reason}\n`);
  }
}
