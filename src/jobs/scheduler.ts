import cron, { type ScheduledTask } from 'node-cron';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';

/**
 * Recurring jobs on node-cron. A job is a plain async function of `now` (its dependencies
 * closed over by whoever defines it), so tests call it directly with a manual clock and never
 * wait for real time. The composition root constructs the scheduler, starts it with the app and
 * stops it on shutdown; nothing is scheduled on import.
 *
 * Every job is a command, idempotent by its decider, so a run that overlaps another instance's
 * appends nothing twice. With several instances, scheduled runs happen only where `isLeader`
 * says so (the instance holding the projection lease); JOBS_ENABLED switches them off entirely.
 */
export type Job = (now: Date) => Promise<unknown>;

export interface JobDefinition {
  name: string;
  /** A node-cron expression (5 fields, or 6 with seconds). */
  schedule: string;
  run: Job;
}

export class JobScheduler {
  private readonly tasks = new Map<string, ScheduledTask>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly deps: { clock: Clock; logger: Logger; isLeader?: () => boolean },
    private readonly jobs: readonly JobDefinition[],
  ) {
    const names = new Set<string>();
    for (const job of jobs) {
      if (!cron.validate(job.schedule)) throw new Error(`Job ${job.name}: invalid cron expression "${job.schedule}"`);
      if (names.has(job.name)) throw new Error(`Job ${job.name} defined twice`);
      names.add(job.name);
    }
  }

  get names(): string[] {
    return this.jobs.map((j) => j.name);
  }

  get started(): boolean {
    return this.tasks.size > 0;
  }

  start(): void {
    for (const job of this.jobs) {
      if (this.tasks.has(job.name)) continue;
      const task = cron.schedule(job.schedule, () => this.track(job), { name: job.name, noOverlap: true });
      this.tasks.set(job.name, task);
    }
    this.deps.logger.info({ jobs: this.jobs.map((j) => `${j.name} (${j.schedule})`) }, 'jobs scheduled');
  }

  /** Runs a job now, outside its schedule (operations, tests); errors propagate. */
  async runNow(name: string): Promise<unknown> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`No job named ${name}`);
    return job.run(this.deps.clock.now());
  }

  /** Stops scheduling and waits for runs in flight to finish. */
  async stop(): Promise<void> {
    for (const task of this.tasks.values()) await task.destroy();
    this.tasks.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  private track(job: JobDefinition): Promise<void> {
    const run = this.execute(job);
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
    return run;
  }

  /** One scheduled run: errors are logged, never thrown into node-cron. */
  private async execute(job: JobDefinition): Promise<void> {
    if (this.deps.isLeader && !this.deps.isLeader()) return;
    const startedAt = Date.now();
    try {
      const result = await job.run(this.deps.clock.now());
      this.deps.logger.debug({ job: job.name, ms: Date.now() - startedAt, result }, 'job finished');
    } catch (err) {
      this.deps.logger.error({ job: job.name, err: err instanceof Error ? err.message : String(err) }, 'job failed');
    }
  }
}
