import cron from 'node-cron';
import { silentLogger, type Logger } from '../ports/logger';
import { ManualClock } from '../../test/support/clock';
import { JobScheduler } from './scheduler';

describe('JobScheduler', () => {
  const clock = new ManualClock('2026-01-15T12:00:00.000Z');

  it('refuses an invalid cron expression or a duplicate name when constructed', () => {
    expect(() => new JobScheduler({ clock, logger: silentLogger }, [{ name: 'x', schedule: 'every minute', run: async () => 1 }])).toThrow(
      /invalid cron expression/,
    );
    const job = { name: 'x', schedule: '* * * * *', run: async () => 1 };
    expect(() => new JobScheduler({ clock, logger: silentLogger }, [job, job])).toThrow(/defined twice/);
  });

  it('runs a job on demand with the injected clock time', async () => {
    const seen: Date[] = [];
    const s = new JobScheduler({ clock, logger: silentLogger }, [
      { name: 'sla', schedule: '* * * * *', run: async (now) => seen.push(now) },
    ]);
    await expect(s.runNow('sla')).resolves.toBe(1);
    expect(seen).toEqual([new Date('2026-01-15T12:00:00.000Z')]);
    await expect(s.runNow('nope')).rejects.toThrow(/No job named nope/);
  });

  it('schedules nothing until started and removes its cron tasks when stopped', async () => {
    const before = cron.getTasks().size;
    const s = new JobScheduler({ clock, logger: silentLogger }, [
      { name: 'a', schedule: '0 3 * * *', run: async () => undefined },
      { name: 'b', schedule: '*/5 * * * *', run: async () => undefined },
    ]);
    expect(cron.getTasks().size).toBe(before);
    expect(s.started).toBe(false);
    s.start();
    s.start();
    expect(s.started).toBe(true);
    expect(cron.getTasks().size).toBe(before + 2);
    expect(s.names).toEqual(['a', 'b']);
    await s.stop();
    expect(s.started).toBe(false);
    expect(cron.getTasks().size).toBe(before);
  });

  it('logs a failing scheduled run instead of throwing into node-cron', async () => {
    const errors: unknown[] = [];
    const logger: Logger = { ...silentLogger, error: (obj: unknown) => void errors.push(obj), child: () => logger };
    const s = new JobScheduler({ clock, logger }, [
      {
        name: 'boom',
        schedule: '* * * * * *',
        run: async () => {
          throw new Error('kaput');
        },
      },
    ]);
    s.start();
    const task = [...cron.getTasks().values()].find((x) => x.name === 'boom')!;
    await task.execute();
    await s.stop();
    expect(errors).toEqual([{ job: 'boom', err: 'kaput' }]);
  });

  it('skips scheduled runs on an instance that is not the leader', async () => {
    let leader = false;
    let runs = 0;
    const s = new JobScheduler({ clock, logger: silentLogger, isLeader: () => leader }, [
      { name: 'led', schedule: '* * * * * *', run: async () => ++runs },
    ]);
    s.start();
    const task = [...cron.getTasks().values()].find((x) => x.name === 'led')!;
    await task.execute();
    expect(runs).toBe(0);
    leader = true;
    await task.execute();
    await s.stop();
    expect(runs).toBe(1);
  });
});
